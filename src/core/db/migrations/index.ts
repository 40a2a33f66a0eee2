import type { Migration } from '../migrate'
import { migration0001 } from './0001-core'
import { migration0002 } from './0002-sync'
import { migration0003 } from './0003-credentials'
import { migration0004 } from './0004-tombstones'

/**
 * Every migration, in order. Migrations are code (not files read at run time) so they survive
 * bundling into the Electron main process. Append only: never edit a migration that has shipped.
 */
export const migrations: readonly Migration[] = [migration0001, migration0002, migration0003, migration0004]
