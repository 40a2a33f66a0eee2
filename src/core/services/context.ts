import type { Kysely, Transaction } from 'kysely'
import type { TesseraDatabase } from '../db/open'
import type { DB } from '../db/schema'
import type { ProgressEvent } from '../../contract/progress'

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
  limits: { evidenceMaxBytes: number }
}

/** Per-call facts from the transport. */
export interface CallContext {
  actor?: string
  progress?: (event: ProgressEvent) => void
  signal?: AbortSignal
}

export type Tx = Transaction<DB> | Kysely<DB>

export const isoNow = (ctx: ServiceContext): string => ctx.now().toISOString()
