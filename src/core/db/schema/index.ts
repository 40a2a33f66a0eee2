import type { CoreTables } from './core'
import type { CredentialTables } from './credentials'
import type { SyncTables } from './sync'
import type { TombstoneTables } from './tombstones'

/**
 * The typed kysely schema: one interface per feature's tables, joined here.
 * Later migrations add their table interfaces (credentials, sync) to this intersection.
 */
export type DB = CoreTables & SyncTables & CredentialTables & TombstoneTables

export type * from './core'
export type * from './sync'
export type * from './credentials'
export type * from './tombstones'
