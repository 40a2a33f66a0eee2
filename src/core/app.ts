import os from 'node:os'
// jose (signing, sync bundles) is many times faster with these; Node 20 lacks them.
import './node/uint8array-base64'
import { TesseraError, type Result } from '../contract/errors'
import type { OpInput, OpName, OpOutput } from '../contract/ops'
import { openDatabase, type TesseraDatabase } from './db/open'
import { newId } from './domain/ids'
import { createDatabaseHost } from './database-host'
import { dispatch } from './dispatch'
import { assessmentsHandlers } from './services/assessments'
import { backupHandlers } from './services/backup'
import { credentialsHandlers } from './services/credentials'
import { dashboardHandlers } from './services/dashboard'
import type { CallContext, DatabaseHost, SecretProvider, ServiceContext } from './services/context'
import type { Handlers } from './services/handlers'
import { keysHandlers } from './services/keys'
import { learnersHandlers } from './services/learners'
import { rubricsHandlers } from './services/rubrics'
import { sessionHandlers } from './services/session'
import type { PassphraseSession } from './services/session-secrets'
import { syncHandlers } from './services/sync'
import { syncBytesHandlers } from './services/sync-bytes'
import { systemHandlers } from './services/system'
import { DEFAULT_COUNT_PACING, type CountPacing } from './services/unacknowledged-counter'

export interface OpenTesseraOptions {
  dbFile: string
  readonly?: boolean
  nativeBinding?: string
  secrets?: SecretProvider
  /** The passphrase the UI gives (`session.*` ops); absent in the CLI, which asks on its terminal. */
  session?: PassphraseSession
  actor?: string
  now?: () => Date
  evidenceMaxBytes?: number
  /** How background counts (sync.status) share the thread; default DEFAULT_COUNT_PACING. */
  countPacing?: CountPacing
}

/** One open Tessera database with its services: what every adapter holds. */
export interface Tessera {
  ctx: ServiceContext
  handlers: Handlers
  /** Untyped entry for transports: validates and returns errors as data. */
  dispatch(op: string, input: unknown, call?: CallContext): Promise<Result<unknown>>
  /** Typed entry for in-process callers (CLI, tests): throws TesseraError on failure. */
  call<K extends OpName>(op: K, input: OpInput<K>, call?: CallContext): Promise<OpOutput<K>>
  close(): void
}

const noSecrets: SecretProvider = {
  passphrase: () =>
    Promise.reject(new TesseraError('forbidden', 'No passphrase available: set TESSERA_PASSPHRASE')),
}

export const DEFAULT_EVIDENCE_MAX_BYTES = 25 * 1024 * 1024

function ensureDeviceId(database: TesseraDatabase): string {
  const row = database.sqlite.prepare(`SELECT value FROM setting WHERE key = 'device_id'`).get() as
    { value: string } | undefined
  if (row) return row.value
  if (database.readonly) return 'unknown-device'
  const id = newId()
  database.sqlite.prepare(`INSERT INTO setting (key, value) VALUES ('device_id', ?)`).run(id)
  return id
}

export function createHandlers(ctx: ServiceContext): Handlers {
  return {
    ...systemHandlers(ctx),
    ...learnersHandlers(ctx),
    ...rubricsHandlers(ctx),
    ...assessmentsHandlers(ctx),
    ...syncHandlers(ctx),
    ...syncBytesHandlers(ctx),
    ...backupHandlers(ctx),
    ...keysHandlers(ctx),
    ...credentialsHandlers(ctx),
    ...dashboardHandlers(ctx),
    ...sessionHandlers(ctx),
  } satisfies Handlers
}

export function openTessera(opts: OpenTesseraOptions): Tessera {
  // Reopenable: restoring a backup from the app swaps the database under the same Tessera object.
  const { current, guard } = createDatabaseHost((host) => openOnce(opts, host), opts.nativeBinding)
  return {
    get ctx() {
      return current().ctx
    },
    get handlers() {
      return current().handlers
    },
    dispatch: (op, input, call) => guard(() => current().dispatch(op, input, call)),
    call: (op, input, call) => guard(() => current().call(op, input, call)),
    close: () => current().close(),
  }
}

function openOnce(opts: OpenTesseraOptions, host: DatabaseHost): Tessera {
  const database = openDatabase({
    file: opts.dbFile,
    readonly: opts.readonly,
    nativeBinding: opts.nativeBinding,
  })
  try {
    const ctx: ServiceContext = {
      database,
      db: database.db,
      deviceId: ensureDeviceId(database),
      now: opts.now ?? (() => new Date()),
      defaultActor: opts.actor ?? safeUserName(),
      secrets: opts.secrets ?? noSecrets,
      ...(opts.session ? { session: opts.session } : {}),
      limits: { evidenceMaxBytes: opts.evidenceMaxBytes ?? DEFAULT_EVIDENCE_MAX_BYTES },
      countPacing: opts.countPacing ?? DEFAULT_COUNT_PACING,
      host,
    }
    const handlers = createHandlers(ctx)
    return {
      ctx,
      handlers,
      dispatch: (op, input, call) => dispatch(handlers, op, input, call),
      async call(op, input, call) {
        const r = await dispatch(handlers, op, input, call)
        if (!r.ok) throw TesseraError.fromApiError(r.error)
        return r.value as never
      },
      close: () => database.close(),
    }
  } catch (e) {
    database.close()
    throw e
  }
}

function safeUserName(): string {
  try {
    return os.userInfo().username
  } catch {
    return 'unknown'
  }
}
