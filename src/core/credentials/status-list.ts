/**
 * W3C Bitstring Status List v1.0: revocation/suspension bits for issued credentials (ob3.md §4).
 *
 * - A list holds at least 131,072 entries (16 KB), the spec's herd-privacy minimum, and indexes
 *   are allocated at random so an index says nothing about issue order or volume.
 * - `encodedList` = multibase base64url (`u…`) of the GZIP-compressed bitstring; bit 0 is the
 *   most significant bit of byte 0 (verified against the 1EdTech fixture, ob3.md §4).
 * - The list is a `BitstringStatusListCredential` signed with eddsa-rdfc-2022 like the badges,
 *   so a cached copy can be checked offline.
 *
 * Isomorphic: GZIP via the Web Compression Streams API (Node ≥ 18, browsers).
 */
import { base64urlnopad } from '@scure/base'
import type { JWK } from 'jose'
import { TesseraError } from '../../contract/errors'
import { concatBytes } from '../domain/bytes'
import { signDocument } from './data-integrity'
import { VC_V2_CONTEXT } from './document-loader'
import { isoSeconds } from './date-time'

export const STATUS_LIST_MIN_ENTRIES = 131_072
/** A decoded list may not exceed this (guards against a gzip bomb in a received list). */
const MAX_DECODED_BYTES = 16 * 1024 * 1024

export type StatusPurpose = 'revocation' | 'suspension'

export interface BitstringStatusListEntry {
  id: string
  type: 'BitstringStatusListEntry'
  statusPurpose: StatusPurpose
  /** A string, as in the W3C examples (the 1EdTech fixture uses a number; readers accept both). */
  statusListIndex: string
  statusListCredential: string
}

export interface StatusListCredential {
  '@context': string[]
  id: string
  type: ['VerifiableCredential', 'BitstringStatusListCredential']
  issuer: string
  validFrom: string
  validUntil?: string
  credentialSubject: {
    id: string
    type: 'BitstringStatusList'
    statusPurpose: StatusPurpose
    encodedList: string
  }
  proof?: unknown[]
}

/** A zeroed bitstring of `entries` bits (rounded up to whole bytes, at least the 131,072 minimum). */
export function createBitstring(entries: number = STATUS_LIST_MIN_ENTRIES): Uint8Array {
  if (!Number.isInteger(entries) || entries < STATUS_LIST_MIN_ENTRIES) {
    throw new TesseraError(
      'validation',
      `A status list needs at least ${STATUS_LIST_MIN_ENTRIES} entries, got ${entries}`,
    )
  }
  return new Uint8Array(Math.ceil(entries / 8))
}

export function getStatusBit(bits: Uint8Array, index: number): boolean {
  checkIndex(bits, index)
  return ((bits[index >> 3] as number) & (0x80 >> (index & 7))) !== 0
}

export function setStatusBit(bits: Uint8Array, index: number, value = true): void {
  checkIndex(bits, index)
  const mask = 0x80 >> (index & 7)
  bits[index >> 3] = value ? (bits[index >> 3] as number) | mask : (bits[index >> 3] as number) & ~mask
}

function checkIndex(bits: Uint8Array, index: number): void {
  if (!Number.isInteger(index) || index < 0 || index >= bits.length * 8) {
    throw new TesseraError(
      'validation',
      `Status index ${index} is outside the list (0..${bits.length * 8 - 1})`,
    )
  }
}

/**
 * Picks a free index at random (herd privacy). `isTaken` answers for indexes already reserved.
 * Falls back to a scan from a random start when the list is nearly full; null when it is full.
 */
export function freeStatusIndex(
  isTaken: (index: number) => boolean,
  options: { entries?: number; random?: () => number } = {},
): number | null {
  const entries = options.entries ?? STATUS_LIST_MIN_ENTRIES
  const random = options.random ?? secureRandom
  for (let attempt = 0; attempt < 64; attempt++) {
    const i = Math.floor(random() * entries)
    if (!isTaken(i)) return i
  }
  const start = Math.floor(random() * entries)
  for (let k = 0; k < entries; k++) {
    const i = (start + k) % entries
    if (!isTaken(i)) return i
  }
  return null
}

function secureRandom(): number {
  const b = new Uint32Array(1)
  crypto.getRandomValues(b)
  return (b[0] as number) / 2 ** 32
}

/** The `credentialStatus` a credential carries for its slot. */
export function statusEntry(
  listUrl: string,
  index: number,
  purpose: StatusPurpose = 'revocation',
): BitstringStatusListEntry {
  return {
    id: `${listUrl}#${index}`,
    type: 'BitstringStatusListEntry',
    statusPurpose: purpose,
    statusListIndex: String(index),
    statusListCredential: listUrl,
  }
}

/** `u` + base64url(gzip(bits)). */
export async function encodeBitstring(bits: Uint8Array): Promise<string> {
  const gz = await gzip(bits, 'compress', Number.POSITIVE_INFINITY)
  return 'u' + base64urlnopad.encode(gz)
}

/** Inverse of encodeBitstring; throws `check_failed` on a malformed list. */
export async function decodeBitstring(encodedList: string): Promise<Uint8Array> {
  if (typeof encodedList !== 'string' || !encodedList.startsWith('u')) {
    throw new TesseraError('check_failed', 'encodedList must be multibase base64url ("u…")')
  }
  let gz: Uint8Array
  try {
    gz = base64urlnopad.decode(encodedList.slice(1).replace(/=+$/, ''))
  } catch {
    throw new TesseraError('check_failed', 'encodedList is not valid base64url')
  }
  try {
    return await gzip(gz, 'decompress', MAX_DECODED_BYTES)
  } catch (e) {
    if (e instanceof TesseraError) throw e
    throw new TesseraError('check_failed', 'encodedList is not valid GZIP data')
  }
}

async function gzip(
  bytes: Uint8Array,
  direction: 'compress' | 'decompress',
  limit: number,
): Promise<Uint8Array> {
  const source = new Blob([bytes as Uint8Array<ArrayBuffer>]).stream()
  const stream =
    direction === 'compress'
      ? source.pipeThrough(new CompressionStream('gzip'))
      : source.pipeThrough(new DecompressionStream('gzip'))
  const reader = stream.getReader()
  const chunks: Uint8Array[] = []
  let total = 0
  for (;;) {
    const { done, value } = await reader.read()
    if (done) break
    total += value.length
    if (total > limit) {
      await reader.cancel()
      throw new TesseraError('check_failed', `The status list expands beyond ${limit} bytes`)
    }
    chunks.push(value)
  }
  return concatBytes(chunks)
}

export interface StatusListInput {
  /** The stable URL the list is published at; also the credential id. */
  listUrl: string
  /** Issuer id (did:key of the signing key). */
  issuer: string
  purpose?: StatusPurpose
  /** The full bitstring, or the indexes that are set. */
  bits: Uint8Array | Iterable<number>
  validFrom?: Date
  /** Recommended: a short validity, so verifiers can tell a stale cached list (ob3.md §4). */
  validUntil?: Date
}

/** Builds the unsigned BitstringStatusListCredential. */
export async function buildStatusListCredential(input: StatusListInput): Promise<StatusListCredential> {
  let bits: Uint8Array
  if (input.bits instanceof Uint8Array) {
    if (input.bits.length * 8 < STATUS_LIST_MIN_ENTRIES) {
      throw new TesseraError('validation', `A status list needs at least ${STATUS_LIST_MIN_ENTRIES} entries`)
    }
    bits = input.bits
  } else {
    bits = createBitstring()
    for (const i of input.bits) setStatusBit(bits, i)
  }
  const purpose = input.purpose ?? 'revocation'
  const cred: StatusListCredential = {
    '@context': [VC_V2_CONTEXT],
    id: input.listUrl,
    type: ['VerifiableCredential', 'BitstringStatusListCredential'],
    issuer: input.issuer,
    validFrom: isoSeconds(input.validFrom ?? new Date()),
    credentialSubject: {
      id: `${input.listUrl}#list`,
      type: 'BitstringStatusList',
      statusPurpose: purpose,
      encodedList: await encodeBitstring(bits),
    },
  }
  if (input.validUntil) cred.validUntil = isoSeconds(input.validUntil)
  return cred
}

/** Builds and signs (eddsa-rdfc-2022) a status list credential with the issuer's Ed25519 private JWK. */
export async function signStatusListCredential(
  input: StatusListInput,
  privateJwk: JWK,
): Promise<StatusListCredential> {
  const unsigned = await buildStatusListCredential(input)
  return (await signDocument(unsigned, privateJwk, { created: input.validFrom })) as StatusListCredential
}

/** Reads one bit of a (verified) status list credential. */
export async function readStatus(
  listCredential: { credentialSubject?: unknown },
  index: number,
): Promise<boolean> {
  const subject = listCredential.credentialSubject as { encodedList?: unknown } | undefined
  if (typeof subject?.encodedList !== 'string')
    throw new TesseraError('check_failed', 'The status list credential has no encodedList')
  return getStatusBit(await decodeBitstring(subject.encodedList), index)
}
