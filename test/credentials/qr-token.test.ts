import { CompactSign, importJWK } from 'jose'
import { base64urlnopad } from '@scure/base'
import { describe, expect, it } from 'vitest'
import {
  decodeQrToken,
  signQrToken,
  verifyQrToken,
  QR_TOKEN_MAX_LENGTH,
} from '../../src/core/credentials/qr-token'
import { generateIssuerKey, issuerIdOf } from '../../src/core/crypto/keys'
import { testKeys } from './fixtures'

const base = {
  credentialId: 'urn:uuid:0196f3a2-6c1e-7b3d-9a4f-2e8c1d5b7a90',
  learnerName: 'Nguyễn Thị Mai',
  achievementName: 'Forklift Operation (Counterbalance)',
  date: '2025-03-14',
  outcome: 'passed' as const,
}

const realistic: [string, string][] = [
  ['Nguyễn Thị Minh Khai', 'Forklift Operation (Counterbalance) – Practical Assessment, Level 3'],
  ['محمد عبد الرحمن الحسيني', 'السلامة الكهربائية في مواقع البناء: التقييم العملي للمستوى الثالث'],
  ['王小明', '叉车操作（平衡重式）实践评估 第三级 职业技能等级证书'],
  ['ሰላማዊት ገብረ መድኅን', 'የኤሌክትሪክ ደህንነት ተግባራዊ ምዘና'],
  ['Σωκράτης Παπαδόπουλος-Οικονόμου', 'Πιστοποίηση Ασφαλούς Χειρισμού Περονοφόρου Ανυψωτικού Οχήματος'],
  ['देवनागरी नामस्थान उदाहरण', 'विद्युत सुरक्षा व्यावहारिक मूल्यांकन स्तर तीन (उन्नत)'],
  [
    'Maximilian Alexander von Hohenzollern-Sigmaringen',
    'Advanced Certificate in Occupational Health and Safety for Warehouse and Logistics Supervisors (Level 4)',
  ],
  ['👩🏽‍🔧 Zoë', 'Welding 🔥 Safety'],
]

describe('QR token', () => {
  it.each(realistic)('stays ≤ 400 characters and round-trips: %s', async (learnerName, achievementName) => {
    const keys = await testKeys()
    const token = await signQrToken({ ...base, learnerName, achievementName }, keys.ed25519)
    expect(token.length).toBeLessThanOrEqual(QR_TOKEN_MAX_LENGTH)
    const v = await verifyQrToken(token)
    expect(v.ok).toBe(true)
    if (!v.ok) return
    expect(v.token.credentialId).toBe(base.credentialId)
    expect(v.token.issuerId).toBe(issuerIdOf(keys.ed25519))
    expect(v.token.date).toBe('2025-03-14')
    expect(v.token.outcome).toBe('passed')
    if (v.token.truncated) {
      expect(v.token.achievementName.endsWith('…') || v.token.learnerName.endsWith('…')).toBe(true)
    } else {
      expect(v.token.learnerName).toBe(learnerName)
      expect(v.token.achievementName).toBe(achievementName)
    }
  })

  it('shortens the achievement name first, on grapheme boundaries, and never the credential id', async () => {
    const keys = await testKeys()
    const achievementName = '叉車操作'.repeat(40) + ' 👩🏽‍🔧👩🏽‍🔧👩🏽‍🔧'
    const token = await signQrToken(
      {
        ...base,
        achievementName,
        credentialId: 'https://credentials.northside.example/c/0196f3a2-6c1e-7b3d-9a4f-2e8c1d5b7a90',
      },
      keys.ed25519,
    )
    expect(token.length).toBeLessThanOrEqual(QR_TOKEN_MAX_LENGTH)
    const t = decodeQrToken(token)
    expect(t.truncated).toBe(true)
    expect(t.credentialId).toBe(
      'https://credentials.northside.example/c/0196f3a2-6c1e-7b3d-9a4f-2e8c1d5b7a90',
    )
    expect(t.learnerName).toBe(base.learnerName)
    expect(t.achievementName.endsWith('…')).toBe(true)
    expect(achievementName.startsWith(t.achievementName.slice(0, -1))).toBe(true)
    // An absurd learner name is shortened too, still within the limit.
    const long = await signQrToken({ ...base, learnerName: 'ሀ'.repeat(500), achievementName }, keys.ed25519)
    expect(long.length).toBeLessThanOrEqual(QR_TOKEN_MAX_LENGTH)
    expect(decodeQrToken(long).learnerName.endsWith('…')).toBe(true)
  })

  it('detects tampering: a changed payload, a signature from another key, a swapped issuer key', async () => {
    const keys = await testKeys()
    const token = await signQrToken(base, keys.ed25519)
    const [h, p, s] = token.split('.') as [string, string, string]
    const payload = base64urlnopad.decode(p)
    // Change one letter of the learner name (after version, flags, key, uuid, date and length byte).
    const altered = payload.slice()
    altered[2 + 32 + 16 + 2 + 1] = altered[2 + 32 + 16 + 2 + 1]! ^ 0x01
    const r1 = await verifyQrToken(`${h}.${base64urlnopad.encode(altered)}.${s}`)
    expect(r1).toMatchObject({ ok: false, reason: expect.stringMatching(/signature does not match/) })

    // Another key signs the same claims but keeps our issuer key in the payload: the signature fails.
    const other = await generateIssuerKey('Ed25519')
    const forged = await new CompactSign(payload)
      .setProtectedHeader({ alg: 'Ed25519', typ: 'TQ1' })
      .sign(await importJWK(other.privateJwk, 'Ed25519'))
    expect((await verifyQrToken(forged)).ok).toBe(false)

    // An attacker re-signing with their own key must name their own key: it verifies, but as *their* issuer id.
    const own = await signQrToken(base, other)
    const v = await verifyQrToken(own)
    expect(v.ok && v.token.issuerId).toBe(issuerIdOf(other))
    expect(issuerIdOf(other)).not.toBe(issuerIdOf(keys.ed25519))

    const sig = base64urlnopad.decode(s)
    sig[10] = sig[10]! ^ 0xff
    expect((await verifyQrToken(`${h}.${p}.${base64urlnopad.encode(sig)}`)).ok).toBe(false)
  })

  it('pins the header: other algorithms or extra headers are not tokens', async () => {
    const keys = await testKeys()
    const token = await signQrToken(base, keys.ed25519)
    const [, p, s] = token.split('.') as [string, string, string]
    for (const header of [
      { alg: 'none', typ: 'TQ1' },
      { alg: 'EdDSA', typ: 'TQ1' },
      { alg: 'Ed25519', typ: 'TQ1', kid: 'x' },
      { alg: 'Ed25519' },
    ]) {
      const h = base64urlnopad.encode(new TextEncoder().encode(JSON.stringify(header)))
      expect(() => decodeQrToken(`${h}.${p}.${s}`)).toThrow(/header must be exactly/)
      expect((await verifyQrToken(`${h}.${p}.${s}`)).ok).toBe(false)
    }
  })

  it('accepts the token at the end of a verification URL and refuses bad dates', async () => {
    const keys = await testKeys()
    const token = await signQrToken({ ...base, outcome: 'failed' }, keys.ed25519)
    expect(decodeQrToken(`https://verify.northside.example/#${token}`).outcome).toBe('failed')
    await expect(signQrToken({ ...base, date: '2025-02-30' }, keys.ed25519)).rejects.toThrow(/date/)
    await expect(signQrToken(base, keys.p256)).rejects.toThrow(/Ed25519/)
  })
})
