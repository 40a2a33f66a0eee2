import fs from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

let cached: string | undefined

/**
 * The absolute path of the shipped `resources/` folder (fonts, JSON-LD contexts, schemas, examples).
 *
 * Source (tsx, vitest), the bundled Electron main (out/main) and a packaged app all place this module
 * at different depths, so walk up from here; `TESSERA_RESOURCES` overrides for packaged builds
 * (electron-builder's `process.resourcesPath`).
 */
export function resourcesDir(): string {
  if (cached) return cached
  const fromEnv = process.env.TESSERA_RESOURCES
  if (fromEnv && fs.existsSync(fromEnv)) return (cached = fromEnv)
  let dir = path.dirname(fileURLToPath(import.meta.url))
  for (let i = 0; i < 8; i++) {
    const candidate = path.join(dir, 'resources')
    if (fs.existsSync(path.join(candidate, 'README.md'))) return (cached = candidate)
    dir = path.dirname(dir)
  }
  throw new Error('Tessera resources folder not found; set TESSERA_RESOURCES')
}

export const resourcePath = (...parts: string[]): string => path.join(resourcesDir(), ...parts)
