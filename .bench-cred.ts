import { buildOpenBadgeCredential } from './src/core/credentials/ob3-builder'
import { signDocument } from './src/core/credentials/data-integrity'
import { signVcJwt } from './src/core/credentials/vc-jwt'
import { signQrToken } from './src/core/credentials/qr-token'
import { signStatusListCredential } from './src/core/credentials/status-list'
import { bakePng } from './src/core/credentials/bake'
import { defaultBadgePng } from './src/core/credentials/default-badge'
import { canonicalize } from './src/core/credentials/canonicalize'
import { verifyCredential } from './src/core/verify/verify'
import { issuerIdOf } from './src/core/crypto/keys'
import { sampleBadgeInput, testKeys, ownTrust, DURING } from './test/credentials/fixtures'
const keys = await testKeys()
const input = await sampleBadgeInput()
const opts = { now: DURING, trustedIssuers: await ownTrust() }
const N = Number(process.env.N ?? 500)
const idOf = (i: number) => `urn:uuid:0196f3a2-6c1e-7b3d-9a4f-${String(i).padStart(12, '0')}`
async function rate(name: string, n: number, fn: (i: number) => Promise<unknown>, warm = 200) {
  for (let i = 0; i < warm; i++) await fn(i)
  const t = performance.now()
  for (let i = 0; i < n; i++) await fn(i)
  const ms = performance.now() - t
  console.log(`${name.padEnd(50)} ${(n * 1000 / ms).toFixed(0).padStart(6)}/s  (${(ms / n).toFixed(2)} ms each)`)
}
const t0 = performance.now()
const first = await signDocument(buildOpenBadgeCredential(input), keys.ed25519.privateJwk)
const r0 = await verifyCredential(first, opts)
console.log(`cold start: first sign + first verify ${(performance.now() - t0).toFixed(0)} ms (verified=${r0.verified})`)
const creds: Record<string, unknown>[] = []
for (let i = 0; i < N; i++) creds.push(await signDocument(buildOpenBadgeCredential({ ...input, credentialId: idOf(i) }), keys.ed25519.privateJwk))
const list = await signStatusListCredential({ listUrl: 'https://status.northside.example/lists/1', issuer: issuerIdOf(keys.ed25519), bits: [1, 2, 3] }, keys.ed25519.privateJwk)
const jwts: string[] = []
for (const { proof: _p, ...c } of creds.slice(0, 200)) jwts.push(await signVcJwt(c, keys.p256))
const png = await defaultBadgePng()
const baked = creds.slice(0, 200).map((c) => bakePng(png, c))
const qr = await signQrToken({ credentialId: idOf(0), learnerName: 'Nguyễn Thị Mai', achievementName: 'Forklift Operation', date: '2025-03-14', outcome: 'passed' }, keys.ed25519)
const ok = (r: { verified: boolean }) => { if (!r.verified) throw new Error('not verified') }
const { proof: _x, ...unsecured } = creds[0]!
console.log(`canonical quads per credential: ${(await canonicalize(unsecured)).trim().split('\n').length}`)
await rate('canonicalize one credential (RDFC-1.0, safe mode)', N, () => canonicalize(unsecured))
await rate('build + sign (DI eddsa-rdfc-2022)', N, (i) => signDocument(buildOpenBadgeCredential({ ...input, credentialId: idOf(i) }), keys.ed25519.privateJwk))
await rate('verifyCredential JSON (DI), no status list', N, (i) => verifyCredential(creds[i % N]!, opts).then(ok))
await rate('verifyCredential JSON (DI) + status list held', N, (i) => verifyCredential(creds[i % N]!, { ...opts, statusLists: [{ credential: list }] }).then(ok))
await rate('verifyCredential baked PNG (DI)', N, (i) => verifyCredential(baked[i % 200]!, opts).then(ok))
await rate('sign VC-JWT (ES256)', N, (i) => { const { proof: _p, ...c } = creds[i % N]!; return signVcJwt(c, keys.p256) })
await rate('verifyCredential VC-JWT', N, (i) => verifyCredential(jwts[i % 200]!, opts).then(ok))
await rate('sign QR token', 2000, () => signQrToken({ credentialId: idOf(0), learnerName: 'Nguyễn Thị Mai', achievementName: 'Forklift Operation', date: '2025-03-14', outcome: 'passed' }, keys.ed25519))
await rate('verifyCredential QR token', 2000, () => verifyCredential(qr, opts).then(ok))
