/**
 * Typed errors that cross every transport (direct call, Electron IPC, HTTP) as plain data.
 *
 * Electron's ipcMain.handle forwards only a thrown error's `message` (electron#24427), so the
 * contract never relies on thrown errors crossing a boundary: dispatch turns every failure into an
 * `ApiError` value inside a `Result`, and clients turn it back into a `TesseraError`.
 */

export type ErrorCode =
  /** Input failed schema validation or a domain rule; `issues` says where. */
  | 'validation'
  /** A referenced record does not exist. */
  | 'not_found'
  /** The operation clashes with current state (e.g. editing a finalized assessment, duplicate id). */
  | 'conflict'
  /** The caller may not do this (e.g. wrong passphrase, untrusted device, bad IPC sender). */
  | 'forbidden'
  /**
   * The issuer-key passphrase is needed and the host holds none: ask the person (`session.unlock`)
   * and try again. `details.purpose` is 'unlock' (open existing keys) or 'create' (seal new ones).
   * A wrong passphrase is `forbidden`, never this.
   */
  | 'passphrase_required'
  /** The database is held by another Tessera process. */
  | 'locked'
  /** The database was written by a newer Tessera and is left untouched. */
  | 'schema_too_new'
  /** A verification or integrity check failed. */
  | 'check_failed'
  /** Anything unexpected: a bug, or a failure of the machine (disk full...). */
  | 'internal'

export interface ErrorIssue {
  /** Where the problem is: a field path (['criteria', 2, 'levels']) or a location such as ['row', 14, 'email']. */
  path: (string | number)[]
  message: string
}

export interface ApiError {
  code: ErrorCode
  message: string
  issues?: ErrorIssue[]
  /** Extra machine-readable facts (ids of the conflicting record, lock holder pid...). */
  details?: Record<string, unknown>
}

export type Result<T> = { ok: true; value: T } | { ok: false; error: ApiError }

/** The one error class thrown by services and re-thrown by clients. */
export class TesseraError extends Error {
  readonly code: ErrorCode
  readonly issues?: ErrorIssue[]
  readonly details?: Record<string, unknown>

  constructor(
    code: ErrorCode,
    message: string,
    extra: { issues?: ErrorIssue[]; details?: Record<string, unknown> } = {},
  ) {
    super(message)
    this.name = 'TesseraError'
    this.code = code
    if (extra.issues) this.issues = extra.issues
    if (extra.details) this.details = extra.details
  }

  toApiError(): ApiError {
    const e: ApiError = { code: this.code, message: this.message }
    if (this.issues) e.issues = this.issues
    if (this.details) e.details = this.details
    return e
  }

  static fromApiError(e: ApiError): TesseraError {
    return new TesseraError(e.code, e.message, { issues: e.issues, details: e.details })
  }
}

export const notFound = (what: string, id: string): TesseraError =>
  new TesseraError('not_found', `${what} ${id} does not exist`, { details: { what, id } })

export const invalid = (message: string, issues: ErrorIssue[] = []): TesseraError =>
  new TesseraError('validation', message, { issues })

export const conflict = (message: string, details?: Record<string, unknown>): TesseraError =>
  new TesseraError('conflict', message, { details })

/** Formats issues as "criteria[2].levels: must have at least 2 levels" lines. */
export function formatIssuePath(path: (string | number)[]): string {
  return path.reduce<string>(
    (acc, p) => (typeof p === 'number' ? `${acc}[${p}]` : acc ? `${acc}.${p}` : p),
    '',
  )
}
