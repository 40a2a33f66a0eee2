import crypto from 'node:crypto'
import fs from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { migrations } from '../../src/core/db/migrations'
import { LATEST_SCHEMA_VERSION } from '../../src/core/db/open'

/**
 * Generated fixtures are cached under node_modules/.cache/tessera-bench/, keyed by a hash of the
 * generator parameters, the schema (version and the migrations' code, since an unshipped migration
 * may still be edited) and the generator's own source, so a rerun reuses them and any change that
 * would make different data regenerates them.
 */

const benchDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
export const repoRoot = path.resolve(benchDir, '..')
export const cacheRoot = (): string =>
  process.env.TESSERA_BENCH_CACHE ?? path.join(repoRoot, 'node_modules', '.cache', 'tessera-bench')

function generatorSource(): string {
  const dataDir = path.join(benchDir, 'data')
  return fs
    .readdirSync(dataDir)
    .filter((f) => f.endsWith('.ts'))
    .sort()
    .map((f) => fs.readFileSync(path.join(dataDir, f), 'utf8'))
    .join('\n')
}

export function cacheKey(kind: string, params: unknown): string {
  const h = crypto.createHash('sha256')
  h.update(JSON.stringify({ kind, params, schema: LATEST_SCHEMA_VERSION }))
  for (const m of migrations) h.update(m.up.toString())
  h.update(generatorSource())
  return `${kind}-${h.digest('hex').slice(0, 16)}`
}

/**
 * The cached folder for `key`, made by `build(tempDir)` when missing. The folder appears only once
 * complete (rename), so an interrupted generation is never mistaken for a fixture. Older entries of
 * the same kind are removed: they can never be used again and hold hundreds of MB.
 */
export async function cached(
  key: string,
  build: (dir: string) => Promise<void>,
): Promise<{ dir: string; hit: boolean }> {
  const root = cacheRoot()
  const dir = path.join(root, key)
  if (fs.existsSync(path.join(dir, 'complete'))) return { dir, hit: true }
  fs.mkdirSync(root, { recursive: true })
  const tmp = fs.mkdtempSync(path.join(root, `.tmp-${key}-`))
  try {
    await build(tmp)
    fs.writeFileSync(path.join(tmp, 'complete'), new Date().toISOString())
    fs.rmSync(dir, { recursive: true, force: true })
    fs.renameSync(tmp, dir)
  } catch (e) {
    fs.rmSync(tmp, { recursive: true, force: true })
    throw e
  }
  const kind = key.slice(0, key.lastIndexOf('-'))
  for (const other of fs.readdirSync(root)) {
    if (other !== key && other.startsWith(`${kind}-`) && /^[\w-]+-[0-9a-f]{16}$/.test(other))
      fs.rmSync(path.join(root, other), { recursive: true, force: true })
  }
  return { dir, hit: false }
}

/** Copies a database file (and nothing else) so that a case can change its copy freely. */
export function copyDatabase(from: string, to: string): void {
  fs.mkdirSync(path.dirname(to), { recursive: true })
  fs.copyFileSync(from, to)
}
