import type { Command } from 'commander'

export function registerRubricCommands(_program: Command): void {}
