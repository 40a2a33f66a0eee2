import type { Command } from 'commander'

export function registerLearnerCommands(_program: Command): void {}
