import type { Command } from 'commander'

export function registerAssessmentCommands(_program: Command): void {}
