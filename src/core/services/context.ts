import type { Kysely, Transaction } from 'kysely'
import type { TesseraDatabase } from '../db/open'
import type { DB } from '../db/schema'
import type { ProgressEvent } from '../../contract/progress'
import type { PassphraseSession } from './session-secrets'
import type { RestoreResult } from '../sync/backup'
import type { CountPacing } from './unacknowledged-counter'

/** Supplies secrets that only a person (or a script's environment) can give, e.g. the key passphrase. */
export interface SecretProvider {
  /** Returns the passphrase that protects the issuer keys, asking the user if needed. */
  passphrase(purpose: 'unlock' | 'create'): Promise<string>
}

/** Everything a service needs from its host; built once per open database by `createServices`. */
export interface ServiceContext {
  database: TesseraDatabase
  db: Kysely<DB>
  /** This installation's id; stamped on every record and audit entry it creates. */
  deviceId: string
  now: () => Date
  /** Who acts when a call does not say: the OS user for the CLI, the signed-in assessor in the app. */
  defaultActor: string
  secrets: SecretProvider
  /** The in-memory passphrase the `session.*` ops give and forget; absent where the host keeps none (CLI). */
  session?: PassphraseSession
  limits: { evidenceMaxBytes: number }
  /** How background counts (sync.status) share the one thread with the requests. */
  countPacing: CountPacing
  /** Set by `openTessera`: what only the holder of the open database can do (see database-host.ts). */
  host?: DatabaseHost
}

/** The host of the open database: restoring replaces the very file the services use. */
export interface DatabaseHost {
  /** better-sqlite3's native module for this runtime (Electron has its own build). */
  nativeBinding?: string
  /** Closes the database, restores the checked backup (keeping a .bak) and reopens it. */
  replaceDatabase(fromFile: string): Promise<RestoreResult>
}

/** Per-call facts from the transport. */
export interface CallContext {
  actor?: string
  progress?: (event: ProgressEvent) => void
  signal?: AbortSignal
}

export type Tx = Transaction<DB> | Kysely<DB>

export const isoNow = (ctx: ServiceContext): string => ctx.now().toISOString()
