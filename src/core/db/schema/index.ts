import type { CoreTables } from './core'

/**
 * The typed kysely schema: one interface per feature's tables, joined here.
 * Later migrations add their table interfaces (credentials, sync) to this intersection.
 */
export type DB = CoreTables

export type * from './core'
