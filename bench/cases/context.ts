import fs from 'node:fs'
import path from 'node:path'
import { openTessera, type Tessera } from '../../src/core/app'
import type { BenchConfig } from '../config'
import { copyDatabase } from '../data/cache'
import { benchSecrets, largeFixture, syncFixture, type LargeFixture, type SyncFixture } from '../data/fixture'
import type { CaseResult } from '../harness'

/** What a case gets from the runner. */
export interface CaseContext {
  config: BenchConfig
  /** A fresh folder for this case, removed afterwards. */
  workDir: string
  large(): Promise<LargeFixture>
  sync(): Promise<SyncFixture>
  /** Progress for the person watching (stderr; stdout carries the table or the JSON). */
  log(message: string): void
}

export interface BenchCase {
  /** Also the `--case` name. */
  id: string
  run(ctx: CaseContext): Promise<CaseResult[]>
}

export function caseContext(config: BenchConfig, workDir: string, log: (m: string) => void): CaseContext {
  let large: Promise<LargeFixture> | undefined
  let sync: Promise<SyncFixture> | undefined
  return {
    config,
    workDir,
    large: () => (large ??= largeFixture(config.large)),
    sync: () => (sync ??= syncFixture(config.sync)),
    log,
  }
}

/** A private copy of the large database, opened as the app opens it: cases change it freely. */
export async function openLargeCopy(ctx: CaseContext, name: string): Promise<{ t: Tessera; file: string }> {
  const fixture = await ctx.large()
  const file = path.join(ctx.workDir, `${name}.db`)
  if (!fs.existsSync(file)) copyDatabase(fixture.dbFile, file)
  return { t: openTessera({ dbFile: file, actor: 'bench', secrets: benchSecrets }), file }
}
