import fs from 'node:fs'
import path from 'node:path'
import { openTessera, type Tessera } from '../../src/core/app'
import { defaultBadgePng } from '../../src/core/credentials/default-badge'
import type { SecretProvider } from '../../src/core/services/context'
import { resourcePath } from '../../src/core/node/resources'
import { cached, cacheKey } from './cache'
import { generateName } from './names'
import { populate, type PopulateParams, type PopulateResult } from './populate'
import { Random } from './random'
import { generateRubric } from './rubrics'

/**
 * The benchmark databases, generated from a fixed seed and cached (see cache.ts):
 *
 * - `large`: one installation with years of data (100,000 learners, 50,000 assessments in a full run);
 * - `sync`: a hub and a paired field device holding 10,000 finalized assessments to export.
 *
 * Setup goes through the services (organization and issuer keys, the example rubrics and generated
 * ones, assessors); the bulk through `populate` (prepared statements, rows as the services write them).
 */

export const BENCH_PASSPHRASE = 'benchmark passphrase, not a secret'
export const benchSecrets: SecretProvider = { passphrase: () => Promise.resolve(BENCH_PASSPHRASE) }

export interface LargeParams extends PopulateParams {
  assessors: number
  /** Rubrics generated on top of the examples in resources/examples (4 to 12 criteria each). */
  generatedRubrics: number
}

export interface LargeFixture {
  dbFile: string
  params: LargeParams
  result: PopulateResult
  /** True when it came from the cache. */
  cacheHit: boolean
  generationMs: number
}

/** A clock the generator moves: setup happens before the period the data covers. */
export class SettableClock {
  constructor(public ms: number) {}
  now = (): Date => new Date(this.ms)
}

export async function setUpInstallation(
  t: Tessera,
  random: Random,
  opts: { assessors: number; generatedRubrics: number; org: string },
): Promise<void> {
  const logo = Buffer.from(await defaultBadgePng({ size: 192, color: '#1c2f4f' })).toString('base64')
  await t.call('system.init', {
    organization: {
      name: opts.org,
      url: 'https://skills.example.org',
      email: 'certificates@skills.example.org',
      description: 'Vocational training centres and mobile units',
      logo: { mediaType: 'image/png', dataBase64: logo },
    },
  })
  const examples = resourcePath('examples')
  for (const f of fs
    .readdirSync(examples)
    .filter((n) => n.endsWith('.rubric.json'))
    .sort()) {
    await t.call('rubrics.import', { text: fs.readFileSync(path.join(examples, f), 'utf8') })
  }
  for (let i = 0; i < opts.generatedRubrics; i++) {
    const { name, content } = generateRubric(random, i, 4 + (i % 9))
    const image =
      i % 2 === 0
        ? Buffer.from(
            await defaultBadgePng({ color: ['#0f766e', '#7c2d12', '#1e3a8a', '#4d7c0f'][i % 4]! }),
          ).toString('base64')
        : null
    await t.call('rubrics.create', {
      achievement: {
        name,
        description: `Demonstrates the practical skills of ${name.toLowerCase()} to the workplace standard.`,
        criteriaNarrative:
          'Observed practical demonstration scored against the rubric; critical criteria must be met.',
        achievementType: 'Certificate',
        tags: ['practical', 'vocational'],
        validityMonths: i % 3 === 0 ? 36 : null,
        image: image ? { mediaType: 'image/png', dataBase64: image } : null,
      },
      content,
    })
  }
  for (let i = 0; i < opts.assessors; i++) {
    const n = generateName(random, i)
    await t.call('assessors.add', { name: `${n.givenName} ${n.familyName}`, email: null })
  }
}

export async function largeFixture(params: LargeParams): Promise<LargeFixture> {
  const key = cacheKey(`large-${params.learners}`, params)
  const t0 = performance.now()
  let result: PopulateResult | undefined
  const { dir, hit } = await cached(key, async (tmp) => {
    const clock = new SettableClock(Date.parse(`${params.from}T07:00:00Z`) - 5 * 86_400_000)
    const t = openTessera({
      dbFile: path.join(tmp, 'tessera.db'),
      actor: 'admin',
      secrets: benchSecrets,
      now: clock.now,
    })
    try {
      await setUpInstallation(t, new Random(params.seed).fork('setup'), {
        assessors: params.assessors,
        generatedRubrics: params.generatedRubrics,
        org: 'Northside Skills Trust — مؤسسة المهارات الشمالية',
      })
      result = populate(t, params)
    } finally {
      t.close()
    }
    fs.writeFileSync(path.join(tmp, 'manifest.json'), JSON.stringify(result))
  })
  result ??= JSON.parse(fs.readFileSync(path.join(dir, 'manifest.json'), 'utf8')) as PopulateResult
  return {
    dbFile: path.join(dir, 'tessera.db'),
    params,
    result,
    cacheHit: hit,
    generationMs: performance.now() - t0,
  }
}

export interface SyncFixture {
  hubFile: string
  fieldFile: string
  counts: Record<string, number>
  cacheHit: boolean
}

/** A hub (rubrics, enrollment file) and a field device that joined it and then did `assessments` of work. */
export async function syncFixture(params: PopulateParams & { assessors: number }): Promise<SyncFixture> {
  const key = cacheKey(`sync-${params.assessments}`, params)
  let counts: Record<string, number> | undefined
  const { dir, hit } = await cached(key, async (tmp) => {
    const clock = new SettableClock(Date.parse(`${params.from}T07:00:00Z`) - 5 * 86_400_000)
    const random = new Random(params.seed).fork('sync-setup')
    const hub = openTessera({
      dbFile: path.join(tmp, 'hub.db'),
      actor: 'admin',
      secrets: benchSecrets,
      now: clock.now,
    })
    const enroll = path.join(tmp, 'enroll.tsb')
    try {
      await setUpInstallation(hub, random, {
        assessors: 0,
        generatedRubrics: 4,
        org: 'Northside Skills Trust',
      })
      await hub.call('sync.hubEnrollFile', { outFile: enroll, name: 'Central office' })
    } finally {
      hub.close()
    }
    clock.ms += 86_400_000
    const field = openTessera({
      dbFile: path.join(tmp, 'field.db'),
      actor: 'trainer',
      secrets: benchSecrets,
      now: clock.now,
    })
    try {
      await field.call('system.init', {
        organization: { name: 'Northside Skills Trust', url: 'https://skills.example.org' },
      })
      await field.call('sync.hubJoin', { file: enroll, name: 'Field laptop 7' })
      for (let i = 0; i < params.assessors; i++) {
        const n = generateName(random, i)
        await field.call('assessors.add', { name: `${n.givenName} ${n.familyName}`, email: null })
      }
      counts = populate(field, params).counts
    } finally {
      field.close()
    }
    fs.rmSync(enroll)
    fs.writeFileSync(path.join(tmp, 'counts.json'), JSON.stringify(counts))
  })
  counts ??= JSON.parse(fs.readFileSync(path.join(dir, 'counts.json'), 'utf8')) as Record<string, number>
  return { hubFile: path.join(dir, 'hub.db'), fieldFile: path.join(dir, 'field.db'), counts, cacheHit: hit }
}
