import fs from 'node:fs'
import path from 'node:path'
import { loadConfigFromFile } from 'electron-vite'
import { build, type InlineConfig } from 'vite'
import { repoRoot } from '../data/cache'

/**
 * Builds the renderer exactly as `electron-vite build` does (same config file, production mode),
 * but into a folder of the benchmark's own: it measures the current sources, never a stale `out/`,
 * and never writes where colleagues' builds and e2e runs read.
 */
const builds = new Map<string, Promise<string>>()

export function buildRenderer(outDir: string): Promise<string> {
  let b = builds.get(outDir)
  if (!b) {
    b = (async () => {
      const loaded = await loadConfigFromFile(
        { command: 'build', mode: 'production' },
        path.join(repoRoot, 'electron.vite.config.ts'),
        repoRoot,
        'warn',
      )
      const renderer = (loaded.config as { renderer?: InlineConfig }).renderer
      if (!renderer) throw new Error('electron.vite.config.ts has no renderer config')
      await build({
        ...renderer,
        configFile: false,
        mode: 'production',
        logLevel: 'warn',
        build: { ...renderer.build, outDir, emptyOutDir: true, reportCompressedSize: false },
      })
      if (!fs.existsSync(path.join(outDir, 'index.html')))
        throw new Error(`the renderer build wrote no ${outDir}/index.html`)
      return outDir
    })()
    builds.set(outDir, b)
  }
  return b
}
