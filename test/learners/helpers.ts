import fs from 'node:fs'
import path from 'node:path'
import type Database from 'better-sqlite3'
import type { OpInput } from '../../src/contract/ops'

export const FIXTURES = path.resolve(__dirname, '../fixtures/csv')

export const fixtureBytes = (name: string): Buffer => fs.readFileSync(path.join(FIXTURES, name))

/** The input of learners.importPreview / importCommit for a corpus file. */
export const importOf = (
  name: string,
  extra: Partial<OpInput<'learners.importCommit'>> = {},
): OpInput<'learners.importCommit'> => ({
  csvBase64: fixtureBytes(name).toString('base64'),
  fileName: name,
  ...extra,
})

export const csvInput = (
  text: string,
  extra: Partial<OpInput<'learners.importCommit'>> = {},
): OpInput<'learners.importCommit'> => ({
  csvBase64: Buffer.from(text, 'utf8').toString('base64'),
  ...extra,
})

/**
 * Every row of every table (FTS shadow tables and sqlite_sequence included), for "changed nothing"
 * checks that cannot be fooled by a count that happens to match.
 */
export function dumpDatabase(sqlite: Database.Database): Record<string, unknown[]> {
  const tables = sqlite
    .prepare(
      `SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_stat%' ORDER BY name`,
    )
    .all() as { name: string }[]
  const dump: Record<string, unknown[]> = {}
  for (const { name } of tables) {
    if (name === 'learner_fts') continue // the virtual table itself; its shadow tables are dumped
    // Some FTS shadow tables are WITHOUT ROWID: sort the rows themselves.
    dump[name] = (sqlite.prepare(`SELECT * FROM "${name}"`).raw().all() as unknown[][])
      .map((r) => JSON.stringify(r))
      .sort()
  }
  return dump
}

export const rowCounts = (sqlite: Database.Database): Record<string, number> =>
  Object.fromEntries(Object.entries(dumpDatabase(sqlite)).map(([k, v]) => [k, v.length]))
