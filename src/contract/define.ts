import type { z } from 'zod'

/**
 * One operation of the API contract: its input and output schemas plus facts the transports need.
 * Every front end (Electron IPC, browser-mode HTTP, CLI) goes through these schemas.
 */
export interface OpSpec<I extends z.ZodType = z.ZodType, O extends z.ZodType = z.ZodType> {
  input: I
  output: O
  /** One line for docs and `--help`. */
  summary: string
  /** Reports ProgressEvents while it runs. */
  progress?: boolean
  /** Changes nothing: may run on a read-only database. */
  readonly?: boolean
}

export const defineOps = <T extends Record<string, OpSpec>>(ops: T): T => ops
