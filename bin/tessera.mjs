#!/usr/bin/env node
// The CLI runs the TypeScript sources through tsx, so `npx tessera` works right after `npm ci`
// with no build step and can never run stale code.
import { register } from 'tsx/esm/api'

register()
const { main } = await import('../src/cli/main.ts')
process.exitCode = await main(process.argv)
