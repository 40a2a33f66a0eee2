import { describe, expect, it } from 'vitest'
import {
  buildStatusListCredential,
  createBitstring,
  decodeBitstring,
  encodeBitstring,
  getStatusBit,
  readStatus,
  setStatusBit,
  signStatusListCredential,
  statusEntry,
  freeStatusIndex,
  STATUS_LIST_MIN_ENTRIES,
} from '../../src/core/credentials/status-list'
import { verifyDocumentProof } from '../../src/core/credentials/data-integrity'
import { issuerIdOf } from '../../src/core/crypto/keys'
import { readSharedJson, testKeys } from './fixtures'

const LIST_URL = 'https://status.northside.example/lists/1'

describe('Bitstring Status List', () => {
  it('reads the 1EdTech fixture list: 16 KB, bit 23 set, most significant bit first', async () => {
    const list = readSharedJson('examples/validator/status/testlist')
    const bits = await decodeBitstring((list.credentialSubject as { encodedList: string }).encodedList)
    expect(bits.length).toBe(16_384)
    expect(bits[2]).toBe(0x01)
    expect(getStatusBit(bits, 23)).toBe(true)
    expect([0, 22, 24, 131_071].map((i) => getStatusBit(bits, i))).toEqual([false, false, false, false])
    expect(await readStatus(list, 23)).toBe(true)
    expect((await verifyDocumentProof(list)).ok).toBe(true)
  })

  it('encodes as multibase base64url of gzip and decodes back', async () => {
    const bits = createBitstring()
    expect(bits.length * 8).toBe(STATUS_LIST_MIN_ENTRIES)
    for (const i of [0, 7, 8, 4211, 131_071]) setStatusBit(bits, i)
    const encoded = await encodeBitstring(bits)
    expect(encoded).toMatch(/^uH4sI[A-Za-z0-9_-]+$/) // 'u' + base64url of the gzip magic 1f 8b 08
    const back = await decodeBitstring(encoded)
    expect(back).toEqual(bits)
    setStatusBit(back, 7, false)
    expect(getStatusBit(back, 7)).toBe(false)
    expect(() => createBitstring(1000)).toThrow(/at least 131072/)
    expect(() => getStatusBit(bits, 131_072)).toThrow(/outside the list/)
    await expect(decodeBitstring('zabc')).rejects.toMatchObject({ code: 'check_failed' })
    await expect(decodeBitstring('uAAAA')).rejects.toMatchObject({ code: 'check_failed' })
  })

  it('finds free indexes at random, and none when the list is full', () => {
    const taken = new Set<number>()
    for (let n = 0; n < 1000; n++) taken.add(freeStatusIndex((i) => taken.has(i))!)
    expect(taken.size).toBe(1000)
    const sorted = [...taken].sort((a, b) => a - b)
    expect(sorted.at(-1)! - sorted[0]!).toBeGreaterThan(100_000) // spread over the list, not sequential
    expect(freeStatusIndex((i) => i !== 5, { entries: 8 })).toBe(5)
    expect(freeStatusIndex(() => true, { entries: 8 })).toBeNull()
  })

  it('builds and signs a BitstringStatusListCredential that verifies and reads back', async () => {
    const keys = await testKeys()
    const list = await signStatusListCredential(
      {
        listUrl: LIST_URL,
        issuer: issuerIdOf(keys.ed25519),
        bits: [4211],
        validFrom: new Date('2025-03-15T00:00:00Z'),
        validUntil: new Date('2025-04-14T00:00:00Z'),
      },
      keys.ed25519.privateJwk,
    )
    expect(list).toMatchObject({
      '@context': ['https://www.w3.org/ns/credentials/v2'],
      id: LIST_URL,
      type: ['VerifiableCredential', 'BitstringStatusListCredential'],
      issuer: issuerIdOf(keys.ed25519),
      validFrom: '2025-03-15T00:00:00Z',
      validUntil: '2025-04-14T00:00:00Z',
      credentialSubject: { id: `${LIST_URL}#list`, type: 'BitstringStatusList', statusPurpose: 'revocation' },
    })
    const proof = await verifyDocumentProof(list)
    expect(proof.ok && proof.key.controller).toBe(issuerIdOf(keys.ed25519))
    expect(await readStatus(list, 4211)).toBe(true)
    expect(await readStatus(list, 4212)).toBe(false)
    expect(statusEntry(LIST_URL, 4211)).toEqual({
      id: `${LIST_URL}#4211`,
      type: 'BitstringStatusListEntry',
      statusPurpose: 'revocation',
      statusListIndex: '4211',
      statusListCredential: LIST_URL,
    })
    const unsigned = await buildStatusListCredential({ listUrl: LIST_URL, issuer: 'did:key:x', bits: [] })
    expect(unsigned.proof).toBeUndefined()
  })
})
