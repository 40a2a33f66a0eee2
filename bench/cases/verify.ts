import { sha256 } from '@noble/hashes/sha2.js'
import { base58 } from '@scure/base'
import { canonicalize } from '../../src/core/credentials/canonicalize'
import { ed25519Verify } from '../../src/core/credentials/ed25519'
import { ed25519PublicKeyFromDidKey } from '../../src/core/crypto/keys'
import { measurePair, ratioOf, stats } from '../harness'
import { openLargeCopy, type BenchCase } from './context'

/**
 * `credentials.verify` of a badge's .json file (text, as dropped on the verify screen): format,
 * OB 3.0 schema, Data Integrity proof, dates, revocation status, rubric consistency, issuer trust and
 * this installation's own records. Baseline: the two RDFC-1.0 canonicalizations, SHA-256 and the
 * Ed25519 verification alone — the cryptographic core any verifier must do.
 */

type Json = Record<string, unknown>

export async function rawVerify(text: string): Promise<boolean> {
  const { proof, ...unsecured } = JSON.parse(text) as Json
  const { proofValue, ...options } = (proof as Json[])[0]!
  const [canonProof, canonDoc] = await Promise.all([
    canonicalize({ ...options, '@context': unsecured['@context'] }),
    canonicalize(unsecured),
  ])
  const data = new Uint8Array(64)
  data.set(sha256(new TextEncoder().encode(canonProof)), 0)
  data.set(sha256(new TextEncoder().encode(canonDoc)), 32)
  const key = ed25519PublicKeyFromDidKey(String(options.verificationMethod))
  return ed25519Verify(base58.decode(String(proofValue).slice(1)), data, key)
}

export const verifyCase: BenchCase = {
  id: 'verify',
  async run(ctx) {
    const fixture = await ctx.large()
    const { t } = await openLargeCopy(ctx, 'verify')
    try {
      const ids = fixture.result.issuable.slice(-ctx.config.verify.credentials)
      const files: string[] = []
      for (const assessmentId of ids)
        files.push((await t.call('credentials.issue', { assessmentId })).artefacts.json)
      const runs = ctx.config.verify.runs
      const samples: number[] = []
      const baseline: number[] = []
      const cpu: number[] = []
      const cpuBaseline: number[] = []
      for (let i = -3; i < runs; i++) {
        const text = files[(i + 3) % files.length]!
        let verified = false
        let ok = false
        const { ours: m, baseline: b } = await measurePair(
          async () => {
            verified = (await t.call('credentials.verify', { source: { kind: 'text', text } })).verified
          },
          async () => {
            ok = await rawVerify(text)
          },
          i,
        )
        if (!verified) throw new Error('a freshly issued badge did not verify')
        if (!ok) throw new Error('the raw baseline did not verify the badge')
        if (i < 0) continue
        samples.push(m.wall)
        baseline.push(b.wall)
        cpu.push(m.cpu)
        cpuBaseline.push(b.cpu)
      }
      const s = stats(samples)
      const b = stats(baseline)
      const perSecond = 1000 / s.median
      const ratio = ratioOf(s, b)
      return [
        {
          id: 'verify',
          name: 'verify a badge (.json, Data Integrity proof)',
          unit: 'per_second',
          target: '>= 100/s, ratio <= 1.2',
          value: perSecond,
          stats: s,
          baseline: b,
          ratio,
          met: perSecond >= 100 && ratio <= 1.2,
          params: { runs, distinctCredentials: files.length },
          extra: {
            'CPU ms per badge': stats(cpu).median,
            'baseline CPU ms': stats(cpuBaseline).median,
            'CPU ratio': stats(cpu).median / stats(cpuBaseline).median,
          },
        },
      ]
    } finally {
      t.close()
    }
  },
}
