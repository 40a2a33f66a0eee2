import fs from 'node:fs'
import path from 'node:path'
import Database from 'better-sqlite3'
import { describe, expect, it } from 'vitest'
import type { RubricDetail, RubricSummary } from '../../src/contract/ops/rubrics'
import { rubricContentHash } from '../../src/core/domain/rubric'
import type { RubricContent } from '../../src/core/domain/rubric-types'
import { runCli } from '../helpers/cli'
import { tempDir } from '../helpers/temp-db'
import { EXAMPLES_DIR, exampleFiles } from './helpers'

// Each CLI run is a fresh Node process compiling TypeScript: slow on a busy two-core machine.
const SLOW = { timeout: 300_000 }

function setup() {
  const dir = tempDir()
  const db = path.join(dir, 'rubrics.db')
  // Setting up may create passphrase-protected issuer keys; a script gives the passphrase this way.
  const cli = (...args: string[]) =>
    runCli(['--db', db, ...args], { env: { TESSERA_PASSPHRASE: 'correct horse battery staple' } })
  const init = cli('init', '--org-name', 'Northside Skills Trust')
  expect(init.code, init.stderr).toBe(0)
  return { dir, db, cli }
}

describe('tessera rubrics (CLI)', () => {
  it('imports every example, lists, shows, exports and re-imports them as a user would', SLOW, () => {
    const { dir, db, cli } = setup()
    const hashes = new Map<string, string>()
    for (const [file, text] of exampleFiles()) {
      const r = cli('rubrics', 'import', path.join(EXAMPLES_DIR, file))
      expect(r.code, r.stderr).toBe(0)
      expect(r.stdout).toMatch(/^Created rubric ".+" version 1\n/)
      const content = JSON.parse(text) as RubricContent
      const hash = rubricContentHash({ criteria: content.criteria, passing: content.passing })
      expect(r.stdout).toContain(`hash:     ${hash}`)
      hashes.set(file, hash)
    }

    const listText = cli('rubrics', 'list')
    expect(listText.code).toBe(0)
    expect(listText.stdout.trim().split('\n')).toHaveLength(4)
    expect(listText.stdout).toContain('Premiers secours au travail')
    expect(listText.stdout).toContain('خدمة العملاء')

    const list = cli('--json', 'rubrics', 'list')
    expect(list.code).toBe(0)
    const rubrics = list.json<RubricSummary[]>()
    expect(rubrics).toHaveLength(4)
    expect(new Set(rubrics.map((r) => r.contentHash))).toEqual(new Set(hashes.values()))
    expect(rubrics.every((r) => r.latestVersion === 1 && r.versionCount === 1 && !r.frozen)).toBe(true)

    const forklift = rubrics.find((r) => r.name.startsWith('Forklift'))!
    const show = cli('rubrics', 'show', `${forklift.id}@1`)
    expect(show.code).toBe(0)
    expect(show.stdout).toContain('Achievement: Counterbalance Forklift Operator  [License], valid 36 months')
    expect(show.stdout).toContain(
      '1. Pre-use inspection  [pre-use-inspection]  weight 1  CRITICAL: at least Competent',
    )
    expect(show.stdout).toContain('pass with at least 75 % of the 20 points possible')

    const showJson = cli('--json', 'rubrics', 'show', forklift.id)
    expect(showJson.code).toBe(0)
    const detail = showJson.json<RubricDetail>()
    expect(detail.version).toMatchObject({ version: 1, contentHash: forklift.contentHash, maxTotal: 20 })
    expect(detail.version.content.criteria).toHaveLength(8)

    // Export to standard output: the file itself, which re-imports as "unchanged".
    const exported = cli('rubrics', 'export', forklift.id)
    expect(exported.code).toBe(0)
    const doc = JSON.parse(exported.stdout) as { rubric: { id: string; contentHash: string } }
    expect(doc.rubric).toMatchObject({ id: forklift.id, contentHash: forklift.contentHash })
    const outFile = path.join(dir, 'forklift.rubric.json')
    const toFile = cli('rubrics', 'export', `${forklift.id}@1`, '--out', outFile)
    expect(toFile.code).toBe(0)
    expect(fs.readFileSync(outFile, 'utf8')).toBe(exported.stdout)
    const again = cli('--json', 'rubrics', 'import', outFile)
    expect(again.code).toBe(0)
    expect(again.json<{ status: string }>().status).toBe('unchanged')

    // Edit the exported file and import it: version 1 is unused, so it is edited in place.
    const edited = JSON.parse(exported.stdout) as { passing: { minTotal: number } }
    edited.passing.minTotal = 80
    fs.writeFileSync(outFile, JSON.stringify(edited, null, 2))
    const inPlace = cli('rubrics', 'import', outFile)
    expect(inPlace.code).toBe(0)
    expect(inPlace.stdout).toContain('in place')
    expect(inPlace.stdout).toContain('passing rule changed from 75 % to 80 %')

    // Once a version has scored someone it is frozen: the next edit becomes version 2.
    const raw = new Database(db)
    const now = new Date().toISOString()
    raw
      .prepare(
        `INSERT INTO learner (id, device_id, created_at, updated_at, given_name, search_key) VALUES ('l1', 'd', ?, ?, 'Amina', 'amina')`,
      )
      .run(now, now)
    raw
      .prepare(
        `INSERT INTO assessor (id, device_id, created_at, updated_at, name) VALUES ('a1', 'd', ?, ?, 'R. Okafor')`,
      )
      .run(now, now)
    raw
      .prepare(
        `INSERT INTO assessment (id, device_id, created_at, updated_at, learner_id, rubric_version_id, assessor_id, assessed_on)
         VALUES ('s1', 'd', ?, ?, 'l1', ?, 'a1', '2026-03-14')`,
      )
      .run(now, now, forklift.latestVersionId)
    raw.close()
    edited.passing.minTotal = 85
    fs.writeFileSync(outFile, JSON.stringify(edited, null, 2))
    const v2 = cli('--json', 'rubrics', 'import', outFile)
    expect(v2.code).toBe(0)
    expect(v2.json<{ status: string; rubric: RubricDetail }>()).toMatchObject({
      status: 'new_version',
      rubric: { latestVersion: 2 },
    })

    const versions = cli('rubrics', 'versions', forklift.id)
    expect(versions.code).toBe(0)
    expect(versions.stdout).toMatch(/v1 .* frozen \(1 assessment\)/)
    expect(versions.stdout).toMatch(/v2 .* not used yet\n {4}- passing rule changed from 80 % to 85 %/)
  })

  it('a bad file fails with exit 1 and names the field path; nothing is imported', SLOW, () => {
    const { dir, cli } = setup()
    const [, text] = exampleFiles().find(([f]) => f.startsWith('first-aid'))!
    const doc = JSON.parse(text) as { criteria: { levels: { points: number }[] }[] }
    doc.criteria[2]!.levels[1]!.points = -1
    const bad = path.join(dir, 'bad.rubric.json')
    fs.writeFileSync(bad, JSON.stringify(doc))
    const r = cli('rubrics', 'import', bad)
    expect(r.code).toBe(1)
    expect(r.stderr).toContain(
      `${bad}: Not a valid rubric file: criteria[2].levels[1].points: must be a number ≥ 0`,
    )

    const json = cli('--json', 'rubrics', 'import', bad)
    expect(json.code).toBe(1)
    expect(
      json.json<{ ok: boolean; error: { code: string; issues: { path: unknown[] }[] } }>(),
    ).toMatchObject({
      ok: false,
      error: { code: 'validation', issues: [{ path: ['criteria', 2, 'levels', 1, 'points'] }] },
    })

    fs.writeFileSync(bad, '{ "format": "tessera.rubric", ')
    const syntax = cli('rubrics', 'import', bad)
    expect(syntax.code).toBe(1)
    expect(syntax.stderr).toMatch(/not valid JSON/)

    const missing = cli('rubrics', 'import', path.join(dir, 'nope.json'))
    expect(missing.code).toBe(1)
    expect(missing.stderr).toContain('does not exist')

    expect(cli('rubrics', 'list').stdout).toMatch(/No rubrics yet/)
  })

  it('usage errors exit 2; unknown rubrics exit 1', SLOW, () => {
    const { cli } = setup()
    expect(cli('rubrics', 'show', 'abc@two').code).toBe(2)
    expect(cli('rubrics', 'export').code).toBe(2)
    expect(cli('rubrics', 'import').code).toBe(2)
    const unknown = cli('rubrics', 'show', '01920000-0000-7000-8000-000000000000@3')
    expect(unknown.code).toBe(1)
    expect(unknown.stderr).toContain('does not exist')
  })
})
