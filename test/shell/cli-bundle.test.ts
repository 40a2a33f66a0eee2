import { spawnSync } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { buildCli } from '../../scripts/build-cli.mjs'
import { openTessera } from '../../src/core/app'
import { verifierBuildOptions } from '../../src/core/node/verifier-bundle-options'
import { TEST_PASSPHRASE } from '../helpers/passphrase'
import { tempDir } from '../helpers/temp-db'
import { cliDatabase } from '../issue/fixtures'

const repoRoot = path.resolve(import.meta.dirname, '../..')

/** main.mjs and the chunks it imports statically: what every start reads and compiles. */
function loadedAtStart(outDir: string): Set<string> {
  const seen = new Set<string>()
  const visit = (file: string): void => {
    if (seen.has(file)) return
    seen.add(file)
    const text = fs.readFileSync(path.join(outDir, file), 'utf8')
    // Static imports only (`import{x}from"./chunk.mjs"`, `import"./chunk.mjs"`), not `import("./chunk.mjs")`.
    for (const m of text.matchAll(/\b(?:from|import)\s*["']\.\/([\w-]+\.mjs)["']/g)) visit(m[1]!)
  }
  visit('main.mjs')
  return seen
}

/** A database with two passed assessments, made in-process (the bundle is what is under test). */
async function databaseWithPassedAssessments(dir: string): Promise<{ db: string; passed: string[] }> {
  const db = path.join(dir, 'tessera.db')
  const { passed } = await cliDatabase(db, {
    passed: [
      { givenName: 'Ζωή', familyName: 'Test' },
      { givenName: 'Amina', familyName: 'Test' },
    ],
  })
  return { db, passed }
}

/**
 * The bundled CLI (`npm run start:web`): what every start of `tessera serve` loads is main.mjs and
 * the chunks it imports, so code only some commands need stays in chunks of its own, loaded on first
 * use; and the first use finds it.
 */
describe('the CLI bundle', () => {
  it('leaves code a start does not need out of what a start loads, and loads it on first use', async () => {
    const dir = tempDir('tessera-cli-')
    const outDir = path.join(dir, 'cli')
    const launcher = await buildCli({ outDir, verifierBuildOptions })
    fs.symlinkSync(path.join(repoRoot, 'node_modules'), path.join(outDir, 'node_modules'), 'dir')
    const chunks = fs.readdirSync(outDir).filter((f) => f.endsWith('.mjs'))
    const holding = (marker: string) =>
      chunks.filter((f) => fs.readFileSync(path.join(outDir, f), 'utf8').includes(marker))
    const atStart = loadedAtStart(outDir)
    expect(atStart.size).toBeGreaterThan(1)
    // Each by a text of its own: shipped, but in chunks no start loads.
    for (const marker of [
      'UND_ERR_CONNECT_TIMEOUT', // undici (only jsonld's unused network loader needs it)
      'jsonld.SyntaxError', // jsonld
      'JSON Schema for the AchievementCredential class', // the generated OB 3.0 schema validator
      'https://w3id.org/security/data-integrity/v1', // the bundled JSON-LD contexts
    ]) {
      expect(holding(marker).length, marker).toBeGreaterThan(0)
      expect(
        holding(marker).filter((f) => atStart.has(f)),
        marker,
      ).toEqual([])
    }
    // zod's messages in other languages are not shipped at all (Polish here); English is.
    expect(holding('Zbyt du')).toEqual([])
    expect(holding('Invalid input').filter((f) => atStart.has(f)).length).toBeGreaterThan(0)

    const run = spawnSync(process.execPath, [launcher, '--help'], { encoding: 'utf8' })
    expect(run.status).toBe(0)
    expect(run.stdout).toContain('serve')

    // The first credential issued and verified by a fresh process loads what they need.
    const { db, passed } = await databaseWithPassedAssessments(dir)
    const cli = (...args: string[]) =>
      spawnSync(process.execPath, [launcher, '--db', db, ...args], {
        encoding: 'utf8',
        // Outside the checkout, the bundle is told where resources/ is (fonts, contexts' sources).
        env: {
          ...process.env,
          TESSERA_DB: '',
          CI: '1',
          TESSERA_PASSPHRASE: TEST_PASSPHRASE,
          TESSERA_RESOURCES: path.join(repoRoot, 'resources'),
        },
        timeout: 60_000,
      })
    const files = path.join(dir, 'out')
    const issued = cli('--json', 'issue', '--assessment', passed[0]!, '--out', files)
    expect(issued.status, issued.stdout + issued.stderr).toBe(0)
    const [credential] = (JSON.parse(issued.stdout) as { credentials: { files: Record<string, string> }[] })
      .credentials
    const verified = cli('verify', credential!.files.json!)
    expect(verified.status, verified.stdout + verified.stderr).toBe(0)
    expect(verified.stdout).toContain(`${credential!.files.json!}: VERIFIED`)

    // A chunk missing from a broken installation is named as what went wrong, and nothing is issued.
    for (const f of holding('JSON Schema for the AchievementCredential class'))
      fs.rmSync(path.join(outDir, f))
    const broken = cli('issue', '--assessment', passed[1]!, '--out', files)
    expect(broken.status).toBe(1)
    expect(broken.stderr).toMatch(/could not load its credential-issuing code \(Cannot find module .*\.mjs/)
    expect(broken.stderr).toContain('the installation looks incomplete')
    const t = openTessera({ dbFile: db, readonly: true })
    try {
      const rows = t.ctx.database.sqlite.prepare('SELECT assessment_id FROM credential').all()
      expect(rows).toEqual([{ assessment_id: passed[0] }])
    } finally {
      t.close()
    }
  }, 180_000)
})
