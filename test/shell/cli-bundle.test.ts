import { spawnSync } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { buildCli } from '../../scripts/build-cli.mjs'
import { verifierBuildOptions } from '../../src/core/node/verifier-bundle-options'
import { tempDir } from '../helpers/temp-db'

const repoRoot = path.resolve(import.meta.dirname, '../..')

/**
 * The bundled CLI (`npm run start:web`): what every start of `tessera serve` loads is main.mjs, so
 * code only some commands need stays in chunks of its own, loaded on first use.
 */
describe('the CLI bundle', () => {
  it('leaves HTTP fetching (undici, only jsonld’s unused network loader needs it) out of what a start loads', async () => {
    const outDir = path.join(tempDir('tessera-cli-'), 'cli')
    const launcher = await buildCli({ outDir, verifierBuildOptions })
    fs.symlinkSync(path.join(repoRoot, 'node_modules'), path.join(outDir, 'node_modules'), 'dir')
    const chunks = fs.readdirSync(outDir).filter((f) => f.endsWith('.mjs'))
    const holding = (marker: string) =>
      chunks.filter((f) => fs.readFileSync(path.join(outDir, f), 'utf8').includes(marker))
    // undici's own error code: its code is shipped, in a chunk other than the one every start loads.
    expect(holding('UND_ERR_CONNECT_TIMEOUT').length).toBeGreaterThan(0)
    expect(holding('UND_ERR_CONNECT_TIMEOUT')).not.toContain('main.mjs')
    // jsonld itself is still there (credentials are signed and verified in every mode), and the
    // bundle runs.
    expect(holding('RDFC-1.0')).toContain('main.mjs')

    const run = spawnSync(process.execPath, [launcher, '--help'], { encoding: 'utf8' })
    expect(run.status).toBe(0)
    expect(run.stdout).toContain('serve')
  }, 120_000)
})
