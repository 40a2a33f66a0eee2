import type { z } from 'zod'
import { assessmentsOps } from './assessments'
import { backupOps } from './backup'
import { credentialsOps, keysOps } from './credentials'
import { dashboardOps } from './dashboard'
import { learnersOps } from './learners'
import { rubricsOps } from './rubrics'
import { sessionOps } from './session'
import { syncOps } from './sync'
import { syncBytesOps } from './sync-bytes'
import { systemOps } from './system'

/**
 * THE API contract: every operation any front end may call, by name.
 * To add an operation: add it to its feature's ops file here, implement it in
 * `src/core/services/<feature>.ts`. The transports are generic and need no change.
 */
export const ops = {
  ...systemOps,
  ...learnersOps,
  ...rubricsOps,
  ...assessmentsOps,
  ...syncOps,
  ...syncBytesOps,
  ...backupOps,
  ...keysOps,
  ...credentialsOps,
  ...dashboardOps,
  ...sessionOps,
}

export type Ops = typeof ops
export type OpName = keyof Ops
/** What a caller passes (before defaults and transforms). */
export type OpInput<K extends OpName> = z.input<Ops[K]['input']>
/** What a service receives (validated, defaults applied). */
export type OpArgs<K extends OpName> = z.output<Ops[K]['input']>
export type OpOutput<K extends OpName> = z.output<Ops[K]['output']>

export const opNames = Object.keys(ops) as OpName[]
export const isOpName = (s: string): s is OpName => Object.prototype.hasOwnProperty.call(ops, s)
