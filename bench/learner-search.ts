/**
 * Learner search and list speed at 100,000 learners (issue 1/5: "fast on 100,000 learners").
 * A measuring script, not a test: prints query plans and per-query timings with p50/p95.
 *
 *   npx tsx bench/learner-search.ts [learners=100000]
 */
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { openTessera } from '../src/core/app'
import { learnerPageQuery } from '../src/core/services/learner-list'

const COUNT = Number(process.argv[2] ?? 100_000)
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tessera-bench-'))
const t = openTessera({ dbFile: path.join(dir, 'bench.db'), actor: 'bench' })

function prng(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let x = a
    x = Math.imul(x ^ (x >>> 15), x | 1)
    x ^= x + Math.imul(x ^ (x >>> 7), x | 61)
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296
  }
}
const random = prng(7)
const pick = <T>(l: readonly T[]): T => l[Math.floor(random() * l.length)]!
const syllables = ['ka', 'mo', 'ri', 'ta', 'ne', 'lu', 'sa', 'do', 'bi', 'ye', 'fo', 'zu', 'pe', 'gi', 'wa']
const latin = (): string => {
  const s = Array.from({ length: 2 + Math.floor(random() * 3) }, () => pick(syllables)).join('')
  return s[0]!.toUpperCase() + s.slice(1)
}
const GIVEN = [
  'Hélène',
  'Thị Hồng',
  'مُحَمَّد',
  'أحمد',
  'प्रिया',
  '小明',
  'አበበ',
  'Jürgen',
  'François',
  'Amina',
  'Kofi',
]
const FAMILY = ['Nguyễn', 'Lefèvre', 'العلي', 'शर्मा', '欧阳', 'ቢቂላ', 'Müller', 'Diallo', 'Mensah', 'Trần']
const cell = (s: string): string => (/[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s)

const lines = ['given_name,family_name,email,external_id,cohort']
for (let i = 1; i <= COUNT; i++) {
  // Mostly random Latin names (a realistic spread of prefixes), 1 in 5 from the multi-script lists.
  const real = random() < 0.2
  lines.push(
    [
      real ? pick(GIVEN) : latin(),
      real ? pick(FAMILY) : latin(),
      `p${i}@example.org`,
      `T-${String(i).padStart(6, '0')}`,
      `Cohort ${i % 400}`,
    ]
      .map(cell)
      .join(','),
  )
}
const t0 = performance.now()
const imported = await t.call('learners.importCommit', {
  csvBase64: Buffer.from(lines.join('\n')).toString('base64'),
})
process.stdout.write(
  `imported ${imported.created} learners in ${((performance.now() - t0) / 1000).toFixed(1)} s\n\n`,
)
const someId = (
  t.ctx.database.sqlite.prepare('SELECT id FROM learner LIMIT 1 OFFSET 5000').get() as { id: string }
).id
const cohortId = (
  t.ctx.database.sqlite.prepare(`SELECT id FROM cohort WHERE name = 'Cohort 7'`).get() as { id: string }
).id

const plans: [string, Parameters<typeof learnerPageQuery>[0]][] = [
  ['list', { limit: 50, offset: 0 }],
  ['list, cohort', { cohortId, limit: 50, offset: 0 }],
  ['search', { q: 'nguyen hel', limit: 50, offset: 0 }],
  ['search, cohort', { q: 'ka', cohortId, limit: 50, offset: 0 }],
]
for (const [name, q] of plans) {
  const { page, count } = learnerPageQuery(q)
  for (const [which, builder] of [
    ['page', page],
    ['count', count],
  ] as const) {
    const compiled = builder.compile(t.ctx.db)
    const rows = t.ctx.database.sqlite
      .prepare(`EXPLAIN QUERY PLAN ${compiled.sql}`)
      .all(...(compiled.parameters as unknown[])) as { detail: string }[]
    process.stdout.write(`${name} (${which}):\n${rows.map((r) => `  ${r.detail}`).join('\n')}\n`)
  }
}

const queries = [
  'nguyen',
  'helene',
  'Hélène',
  'muller',
  'mueller',
  'محمد',
  'احمد',
  '小',
  '欧阳',
  'አበ',
  'प्रि',
  'ka',
  'kamo',
  'ngu hel',
  'T-054321',
  someId,
  'p77777@example.org',
  'zzzz',
  'a',
  'mo ri',
]
const samples: number[] = []
const perQuery: string[] = []
for (const q of queries) {
  const times: number[] = []
  let total = 0
  for (let k = 0; k < 22; k++) {
    const s = performance.now()
    total = (await t.call('learners.list', { q, limit: 50 })).total
    if (k >= 2) times.push(performance.now() - s)
  }
  samples.push(...times)
  times.sort((a, b) => a - b)
  perQuery.push(
    `  ${q.padEnd(38)} ${String(total).padStart(6)} matches  median ${times[10]!.toFixed(2)} ms  max ${times.at(-1)!.toFixed(2)} ms`,
  )
}
for (const [name, input] of [
  ['list first page', { limit: 50 }],
  ['list page 1000', { limit: 50, offset: 50_000 }],
  ['list cohort', { cohort: 'Cohort 7', limit: 50 }],
] as const) {
  const times: number[] = []
  for (let k = 0; k < 22; k++) {
    const s = performance.now()
    await t.call('learners.list', input)
    if (k >= 2) times.push(performance.now() - s)
  }
  times.sort((a, b) => a - b)
  perQuery.push(`  ${name.padEnd(38)} median ${times[10]!.toFixed(2)} ms  max ${times.at(-1)!.toFixed(2)} ms`)
}
samples.sort((a, b) => a - b)
const at = (p: number): number => samples[Math.min(samples.length - 1, Math.ceil(p * samples.length) - 1)]!
process.stdout.write(
  `\nsearch over ${COUNT} learners (learners.list with q, limit 50, total counted):\n${perQuery.join('\n')}\n`,
)
process.stdout.write(
  `all searches: n=${samples.length} p50 ${at(0.5).toFixed(2)} ms, p95 ${at(0.95).toFixed(2)} ms, max ${samples.at(-1)!.toFixed(2)} ms\n`,
)
t.close()
fs.rmSync(dir, { recursive: true, force: true })
