import fs from 'node:fs'
import path from 'node:path'
import { openTessera } from '../src/core/app'
import { benchSecrets } from './data/fixture'
import { signDocument } from '../src/core/credentials/data-integrity'
import { signVcJwt } from '../src/core/credentials/vc-jwt'
import { validateOb3Schema } from '../src/core/verify/ob3-schema'
import { unlockActiveKeys } from '../src/core/services/issuer-keys'
import { bakePng } from '../src/core/credentials/bake'
import { defaultBadgePng } from '../src/core/credentials/default-badge'
const root = 'node_modules/.cache/tessera-bench'
const dir = fs.readdirSync(root).find((d) => d.startsWith('large-600-'))!
const manifest = JSON.parse(fs.readFileSync(path.join(root, dir, 'manifest.json'), 'utf8'))
fs.copyFileSync(path.join(root, dir, 'tessera.db'), '/tmp/bx/prof/sign.db')
const t = openTessera({ dbFile: '/tmp/bx/prof/sign.db', actor: 'bench', secrets: benchSecrets })
const r0 = await t.call('credentials.issue', { assessmentId: manifest.issuable.at(-1) })
const keys = await unlockActiveKeys(t.ctx)
const { proof: _p, ...unsigned } = JSON.parse(r0.artefacts.json)
console.log(
  'json KB',
  (r0.artefacts.json.length / 1024).toFixed(1),
  'jwt KB',
  (r0.artefacts.jwt.length / 1024).toFixed(1),
)
const cpu = async (fn: () => unknown, n = 60) => {
  const r: number[] = []
  for (let i = 0; i < n; i++) {
    const c0 = process.cpuUsage()
    await fn()
    const c = process.cpuUsage(c0)
    r.push((c.user + c.system) / 1000)
  }
  r.sort((a, b) => a - b)
  return r[n >> 1]!.toFixed(2)
}
const png = await defaultBadgePng()
console.log('signDocument', await cpu(() => signDocument(unsigned, keys.ed25519.privateJwk)))
console.log('signVcJwt', await cpu(() => signVcJwt(unsigned, keys.p256)))
console.log('schema', await cpu(() => validateOb3Schema(unsigned)))
console.log('stringify+parse', await cpu(() => JSON.parse(JSON.stringify(unsigned))))
console.log('bake', await cpu(() => bakePng(png, r0.artefacts.json)))
console.log(
  'files (no pdf)',
  await cpu(() => t.call('credentials.files', { id: r0.credential.id, withPdf: false })),
)

import { canonicalize } from '../src/core/credentials/canonicalize'
import { canonicalizeLikeTheProof } from './cases/issue'
import { ed25519Sign } from '../src/core/credentials/ed25519'
import { ed25519PublicKeyOf, ed25519SeedOf, didKeyFromPublicJwk, verificationMethodOf } from '../src/core/crypto/keys'
const t2 = openTessera({ dbFile: '/tmp/bx/prof/sign.db', actor: 'bench', secrets: benchSecrets })
const k2 = await unlockActiveKeys(t2.ctx)
const jwk = k2.ed25519.privateJwk
console.log('canon doc', await cpu(() => canonicalize(unsigned)))
console.log('canonLikeProof', await cpu(() => canonicalizeLikeTheProof(r0.artefacts.json)))
console.log('sign', await cpu(() => ed25519Sign(new Uint8Array(64), ed25519SeedOf(jwk), ed25519PublicKeyOf(jwk))))
console.log('vm', await cpu(() => verificationMethodOf(didKeyFromPublicJwk(jwk))))
console.log('signDocument again', await cpu(() => signDocument(unsigned, jwk)))
t2.close()
