/** Tables of migration 0003 (credentials). See src/core/db/migrations/0003-credentials.ts. */
import type { Generated } from 'kysely'
import type { SyncColumns } from './core'

export type IssuerKeyType = 'Ed25519' | 'P-256'
export type StatusPurposeName = 'revocation' | 'suspension'

export interface IssuerKeyTable extends SyncColumns {
  /** id = the key's RFC 7638 thumbprint (kid). */
  type: IssuerKeyType
  /** did:key of the Ed25519 key of the same generation. */
  issuer_id: string
  /** Public JWK (JSON, with kid). */
  public_jwk: string
  /** Keystore envelope (JSON text); null for same-organization keys that arrived by sync. */
  private_envelope: string | null
  retired_at: string | null
}

export interface TrustedKeyTable extends SyncColumns {
  owner_name: string
  owner_url: string | null
  issuer_id: string
  type: IssuerKeyType
  public_jwk: string
  retired_at: string | null
  imported_at: string
}

export interface StatusListTable extends SyncColumns {
  url: string
  purpose: Generated<StatusPurposeName>
  size: number
  /** 1 = allocated and signed by this installation. */
  owned: Generated<number>
  issuer_id: string | null
  /** Latest signed BitstringStatusListCredential (JSON). */
  signed_json: string | null
  signed_at: string | null
}

export interface CredentialTable extends SyncColumns {
  assessment_id: string
  learner_id: string
  achievement_id: string
  rubric_version_id: string
  issuer_id: string
  issued_at: string
  awarded_at: string
  valid_from: string
  valid_until: string | null
  status_list_id: string
  status_index: number
  /** The signed credential (Data Integrity proof), JSON. */
  json: string
  jwt: string
  qr_token: string
  supersedes_id: string | null
  revoked_at: string | null
  revocation_reason: string | null
}

export interface CredentialTables {
  issuer_key: IssuerKeyTable
  trusted_key: TrustedKeyTable
  status_list: StatusListTable
  credential: CredentialTable
}
