import { resolve } from 'node:path'
import react from '@vitejs/plugin-react'
import { defineConfig } from 'electron-vite'
import type { Plugin } from 'vite'
import { PREBUILT_VERIFIER_FILE, verifierBuildOptions } from './src/core/node/verifier-bundle-options'
import { CONTENT_SECURITY_POLICY_META as CSP } from './src/server/csp'

/**
 * `electron-vite dev` only: the dev server injects an inline React-refresh preamble and talks over a
 * websocket, which the production CSP (no inline scripts) forbids. Production builds keep the
 * strict <meta> of src/renderer/index.html untouched.
 */
function devCspRelaxation(): Plugin {
  return {
    name: 'tessera:dev-csp',
    apply: 'serve',
    transformIndexHtml: (html) =>
      html.replace(
        CSP,
        CSP.replace("script-src 'self'", "script-src 'self' 'unsafe-inline'").replace(
          "connect-src 'self'",
          "connect-src 'self' ws: http://localhost:*",
        ),
      ),
  }
}

/**
 * The offline verifier kit's script, bundled at build time beside the main process code (a packaged
 * app has no esbuild to bundle it at run time; src/core/node/verifier-bundle.ts reads it from there).
 */
function prebuiltVerifier(): Plugin {
  return {
    name: 'tessera:prebuilt-verifier',
    apply: 'build',
    async generateBundle() {
      const esbuild = await import('esbuild')
      const result = await esbuild.build(
        verifierBuildOptions(resolve(__dirname, 'src/core/verify/browser-entry.ts')),
      )
      const source = result.outputFiles[0]?.text
      if (!source) throw new Error('bundling the verifier produced no output')
      this.emitFile({ type: 'asset', fileName: PREBUILT_VERIFIER_FILE, source })
    },
  }
}

/**
 * The first screen waits for `system.status`, so its request must not wait for the main bundle
 * (React, i18n, the first screen: hundreds of KB to fetch and evaluate on an old laptop).
 * `src/first-status.ts` is therefore an entry of its own, loaded by an `async` module script that
 * runs as soon as its small chunk (the transport) arrives. main.tsx imports the same module, which
 * the bundler keeps in that chunk: one URL, so one module instance, one transport and one request.
 * An external script, not an inline one: the CSP allows only 'self'.
 */
function earlyEntryScript(entryName: string): Plugin {
  let base = '/'
  return {
    name: 'tessera:early-entry-script',
    apply: 'build',
    configResolved(config) {
      base = config.base
    },
    transformIndexHtml: {
      order: 'post',
      handler(_html, ctx) {
        const chunk = Object.values(ctx.bundle ?? {}).find(
          (c) => c.type === 'chunk' && c.isEntry && c.name === entryName,
        )
        if (!chunk) throw new Error(`the renderer build has no entry chunk named ${entryName}`)
        return [
          {
            tag: 'script',
            attrs: { type: 'module', async: true, crossorigin: true, src: `${base}${chunk.fileName}` },
            injectTo: 'head',
          },
        ]
      },
    },
  }
}

export default defineConfig({
  main: {
    plugins: [prebuiltVerifier()],
    build: {
      // Runtime libraries stay in node_modules (electron-vite externalizes `dependencies`): the native
      // better-sqlite3 cannot be bundled, pdfkit loads its fonts through package.json `imports`, and
      // jsonld is CommonJS with dynamic requires. Listed explicitly so a move to devDependencies fails loudly.
      externalizeDeps: { include: ['better-sqlite3', 'pdfkit', 'jsonld'] },
      rollupOptions: { input: { index: resolve(__dirname, 'src/main/index.ts') } },
    },
  },
  preload: {
    build: {
      // A sandboxed preload cannot be an ES module and can require nothing but `electron` (and a
      // few built-ins): bundle everything into one CommonJS file.
      externalizeDeps: false,
      rollupOptions: {
        input: { index: resolve(__dirname, 'src/preload/index.ts') },
        output: { format: 'cjs', entryFileNames: '[name].cjs' },
      },
    },
  },
  renderer: {
    root: resolve(__dirname, 'src/renderer'),
    plugins: [react(), devCspRelaxation(), earlyEntryScript('first-status')],
    build: {
      outDir: resolve(__dirname, 'out/renderer'),
      minify: true,
      reportCompressedSize: true,
      rollupOptions: {
        input: {
          index: resolve(__dirname, 'src/renderer/index.html'),
          'first-status': resolve(__dirname, 'src/renderer/src/first-status.ts'),
        },
      },
    },
  },
})
