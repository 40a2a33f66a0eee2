import { describe, expect, it } from 'vitest'
import type { ImportReport } from '../../src/contract/ops/learners'
import { openInitializedTessera } from '../helpers/temp-db'
import { importOf } from './helpers'

/** The report of every file of test/fixtures/csv, as a person importing it would read it. */

const preview = async (name: string, extra: Parameters<typeof importOf>[1] = {}): Promise<ImportReport> => {
  const t = await openInitializedTessera()
  return t.call('learners.importPreview', importOf(name, extra))
}

const problemLines = (r: ImportReport): string[] =>
  r.problems.map(
    (p) => `row ${p.row} (line ${p.line})${p.column === null ? '' : `, ${p.column}`}: ${p.reason}`,
  )

describe('CSV corpus: reports', () => {
  it('good-multiscript.csv: 13 learners in 9 scripts, CRLF, a quoted value with a line break', async () => {
    const r = await preview('good-multiscript.csv', { previewRows: 20 })
    expect(r.fileErrors).toEqual([])
    expect(r.problems).toEqual([])
    expect(r.delimiter).toBe(',')
    expect(r.delimiterDetected).toBe(true)
    expect(r.bom).toBe(false)
    expect(r.columns.map((c) => [c.header, c.field, c.how])).toEqual([
      ['given_name', 'given_name', 'suggested'],
      ['family_name', 'family_name', 'suggested'],
      ['email', 'email', 'suggested'],
      ['phone', 'phone', 'suggested'],
      ['external_id', 'external_id', 'suggested'],
      ['cohort', 'cohort', 'suggested'],
      ['notes', 'notes', 'suggested'],
    ])
    expect(r.counts).toEqual({
      rows: 13,
      blank: 0,
      invalid: 0,
      duplicatesInFile: 0,
      duplicatesExisting: 0,
      toCreate: 13,
      toUpdate: 0,
      toSkip: 0,
    })
    expect(r.canImport).toBe(true)
    // Seán's quoted family name and two-line note: row 12 spans lines 12-13, so José is row 13 on line 14.
    const byRow = new Map(r.sample.map((s) => [s.row, s]))
    expect(byRow.get(12)).toMatchObject({
      line: 12,
      values: { given_name: 'Seán', family_name: "O'Brien, Jr.", notes: 'Two lines:\r\nfirst aid certified' },
    })
    expect(byRow.get(13)).toMatchObject({
      line: 14,
      values: { given_name: 'José María', family_name: 'Núñez' },
    })
    expect(byRow.get(10)?.values.notes).toBe('Prefers "Léna"; left-handed')
    expect(byRow.get(3)?.values.phone).toBe('٠٥٠١٢٣٤٥٦٧')
    expect(byRow.get(6)?.values).toEqual({
      given_name: '欧阳娜娜',
      email: 'nana@example.cn',
      external_id: 'CN-002',
      cohort: 'Electrical 2026',
      notes: 'family name left empty',
    })
  })

  it('semicolon-bom.csv: BOM, semicolons, French headers', async () => {
    const r = await preview('semicolon-bom.csv')
    expect(r.bom).toBe(true)
    expect(r.delimiter).toBe(';')
    expect(r.headers[0]).toBe('Prénom') // the BOM is not part of the first header
    expect(r.columns.map((c) => c.field)).toEqual([
      'given_name',
      'family_name',
      'email',
      'phone',
      'external_id',
      'cohort',
      'notes',
    ])
    expect(r.counts.toCreate).toBe(3)
    expect(r.sample[1]?.values.notes).toBe('Allergie; noix')
  })

  it('tab-separated.csv and arabic-headers.csv: tabs, English and Arabic header synonyms', async () => {
    const tab = await preview('tab-separated.csv')
    expect(tab.delimiter).toBe('\t')
    expect(tab.columns.map((c) => c.field)).toEqual(['given_name', 'family_name', 'email', 'external_id'])
    expect(tab.counts.toCreate).toBe(3)
    expect(tab.sample[2]?.values).toEqual({
      given_name: 'Chinua',
      family_name: 'Achebe',
      external_id: 'NG-1',
    })

    const ar = await preview('arabic-headers.csv')
    expect(ar.columns.map((c) => c.field)).toEqual([
      'given_name',
      'family_name',
      'email',
      'phone',
      'external_id',
    ])
    expect(ar.problems).toEqual([])
    expect(ar.sample[0]?.values.phone).toBe('٠٦١٢٣٤٥٦٧٨')
  })

  it('bad-rows.csv: every bad row with row, column and reason; blank lines are not errors', async () => {
    const r = await preview('bad-rows.csv')
    expect(problemLines(r)).toEqual([
      'row 3 (line 3), email: not a valid email address',
      'row 4 (line 4), email: not a valid email address',
      'row 5 (line 5), email: not a valid email address',
      'row 6 (line 6), given_name: required',
      'row 7 (line 7), email: not a valid email address',
      'row 8 (line 8), phone: not a plausible phone number (2 digits; expected 6 to 15)',
      'row 9 (line 9), phone: not a plausible phone number (only digits, spaces, + ( ) - . / are allowed)',
      'row 10 (line 10): has 6 values but the header has 5 columns — is there an unquoted delimiter inside a value?',
      'row 12 (line 12), email: not a valid email address',
      'row 14 (line 14), given_name: longer than 200 characters',
      'row 15 (line 15), family_name: contains a line break, tab or other control character',
    ])
    expect(r.problems.map((p) => p.value).slice(0, 3)).toEqual([
      'kofi@',
      'ama.owusu.example.org',
      'yaw@@example.org',
    ])
    expect(r.counts).toMatchObject({ rows: 14, blank: 1, invalid: 11, toCreate: 2 })
    expect(r.canImport).toBe(false)
    expect(r.blockedBy).toBe(
      '11 of 13 rows have problems: fix them, or leave them out (skipInvalid) and import the others',
    )
    expect((await preview('bad-rows.csv', { skipInvalid: true })).canImport).toBe(true)
  })

  it('wrong-delimiter.csv: says the columns were not found and asks about the delimiter', async () => {
    const r = await preview('wrong-delimiter.csv')
    expect(r.headers).toEqual(['given_name|family_name|email'])
    expect(r.fileErrors).toHaveLength(1)
    expect(r.fileErrors[0]).toMatchObject({ row: 1, line: 1 })
    expect(r.fileErrors[0]?.message).toMatch(/^Could not find the columns given_name\/family_name/)
    expect(r.fileErrors[0]?.message).toContain('read as 1 column: "given_name|family_name|email"')
    expect(r.fileErrors[0]?.message).toContain('Is the delimiter right?')
    expect(r.fileErrors[0]?.message).toContain('the header contains a vertical bar (|)')
    expect(r.canImport).toBe(false)
  })

  it('a semicolon file forced to commas names the semicolon', async () => {
    const r = await preview('semicolon-bom.csv', { delimiter: ',' })
    expect(r.delimiterDetected).toBe(false)
    expect(r.fileErrors[0]?.message).toContain(
      'Is the delimiter right? The file was read with the chosen comma but the header contains a semicolon (;)',
    )
  })

  it('broken-quotes-unclosed.csv: the row and the line where the quote opens', async () => {
    const r = await preview('broken-quotes-unclosed.csv')
    expect(r.fileErrors).toEqual([
      {
        row: 4,
        line: 5,
        message:
          'row 4 (line 5): a quoted value opens with " but never closes, so the rest of the file cannot be read — look for a stray " in that row',
      },
    ])
    expect(r.columns.map((c) => c.field)).toEqual(['given_name', 'family_name', 'email', 'notes'])
    expect(r.counts.toCreate).toBe(0)
    expect(r.canImport).toBe(false)
  })

  it('broken-quotes-stray.csv: text after a closing quote', async () => {
    const r = await preview('broken-quotes-stray.csv')
    expect(r.fileErrors).toEqual([
      {
        row: 3,
        line: 3,
        message:
          'row 3 (line 3): a quoted value has text after its closing " — inside quotes, write a quote as ""',
      },
    ])
  })

  it('latin1.csv: refused, naming the first bad byte, its offset and line', async () => {
    const r = await preview('latin1.csv')
    expect(r.fileErrors).toEqual([
      {
        row: null,
        line: 3,
        message:
          'The file is not UTF-8: byte 0xE9 at offset 61 (line 3) is not valid UTF-8. It was probably saved as Latin-1 / Windows-1252; ' +
          'save it again as "CSV UTF-8" (in LibreOffice: character set "Unicode (UTF-8)").',
      },
    ])
    expect(r.headers).toEqual([])
    expect(r.canImport).toBe(false)
  })

  it('utf16le.csv: refused as UTF-16', async () => {
    const r = await preview('utf16le.csv')
    expect(r.fileErrors.map((e) => e.message)).toEqual([
      'The file is UTF-16 (little-endian), not UTF-8: save it again as "CSV UTF-8".',
    ])
  })

  it('empty.csv and header-only.csv', async () => {
    const empty = await preview('empty.csv')
    expect(empty.fileErrors).toEqual([{ row: null, line: null, message: 'The file is empty.' }])
    expect(empty.canImport).toBe(false)
    const header = await preview('header-only.csv')
    expect(header.fileErrors).toEqual([
      { row: 1, line: 1, message: 'The file has a header row but no learners below it.' },
    ])
    expect(header.headers).toEqual(['given_name', 'family_name', 'email'])
  })

  it('duplicates.csv: repeats within the file (any email case, same external id)', async () => {
    const r = await preview('duplicates.csv')
    expect(r.duplicates).toEqual([
      {
        row: 4,
        line: 4,
        field: 'email',
        value: 'Amina.Diallo@Example.org',
        sameAsRow: 2,
        learnerId: null,
        learnerName: null,
        action: 'skip',
      },
      {
        row: 5,
        line: 5,
        field: 'external_id',
        value: 'S-002',
        sameAsRow: 3,
        learnerId: null,
        learnerName: null,
        action: 'skip',
      },
    ])
    expect(r.counts).toMatchObject({ duplicatesInFile: 2, duplicatesExisting: 0, toCreate: 6, toSkip: 2 })
    expect(r.sample.map((s) => `${s.row}:${s.action}`)).toEqual([
      '2:create',
      '3:create',
      '4:skip',
      '5:skip',
      '6:create',
      '7:create',
      '8:create',
      '9:create',
    ])
  })

  it('custom-headers.csv: no given-name column until the mapping names one', async () => {
    const unmapped = await preview('custom-headers.csv')
    expect(unmapped.fileErrors[0]?.message).toContain('Map the column that holds given names to given_name')
    expect(unmapped.columns.map((c) => [c.header, c.field, c.how])).toEqual([
      ['Student', null, 'unrecognised'],
      ['Surname', 'family_name', 'suggested'],
      ['Contact', null, 'unrecognised'],
      ['Group code', null, 'unrecognised'],
      ['Remarks', 'notes', 'suggested'],
    ])

    const mapped = await preview('custom-headers.csv', {
      mapping: { Student: 'given_name', contact: 'email', '#4': 'cohort', Remarks: 'ignore' },
    })
    expect(mapped.fileErrors).toEqual([])
    expect(mapped.columns.map((c) => [c.header, c.field, c.how])).toEqual([
      ['Student', 'given_name', 'mapped'],
      ['Surname', 'family_name', 'suggested'],
      ['Contact', 'email', 'mapped'],
      ['Group code', 'cohort', 'mapped'],
      ['Remarks', null, 'ignored'],
    ])
    expect(mapped.sample[0]?.values).toEqual({
      given_name: 'Amina',
      family_name: 'Diallo',
      email: 'amina@example.org',
      cohort: 'W-26',
    })
  })

  it('a mapping naming a missing column, or one field twice, is a file error', async () => {
    const missing = await preview('custom-headers.csv', { mapping: { Studnet: 'given_name' } })
    expect(missing.fileErrors[0]?.message).toBe(
      'Mapping: the mapping names a column "Studnet" that the file does not have (columns: Student, Surname, Contact, Group code, Remarks).',
    )
    const twice = await preview('custom-headers.csv', {
      mapping: { Student: 'given_name', Contact: 'given_name' },
    })
    expect(twice.fileErrors[0]?.message).toBe(
      'Mapping: the mapping puts both column "Student" and column "Contact" into given_name; choose one.',
    )
  })

  it('large-10000.csv: 10,000 rows, the two bad ones found by row (not line) number', async () => {
    const r = await preview('large-10000.csv')
    expect(r.counts).toMatchObject({ rows: 10_000, blank: 0, invalid: 2, toCreate: 9_998 })
    // Every 97th row has a two-line note, so lines run ahead of rows.
    expect(problemLines(r)).toEqual([
      'row 5000 (line 5051), email: not a valid email address',
      'row 9999 (line 10102), given_name: required',
    ])
    expect(r.sample).toHaveLength(20)
  })
})
