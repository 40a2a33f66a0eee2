import { describe, expect, it } from 'vitest'
import { parseCsv } from '../../src/core/import/csv-table'
import {
  assignColumns,
  HEADER_SYNONYMS,
  headerKey,
  recogniseHeader,
} from '../../src/core/import/learner-columns'
import { detectDelimiter } from '../../src/core/import/learner-file'
import { decodeUtf8Strict, firstInvalidUtf8 } from '../../src/core/import/utf8'

const bytes = (...b: number[]): Uint8Array => Uint8Array.from(b)

describe('strict UTF-8', () => {
  it('accepts UTF-8 with and without a BOM, and strips the BOM', () => {
    expect(decodeUtf8Strict(new TextEncoder().encode('Nguyễn,小明'))).toEqual({
      ok: true,
      text: 'Nguyễn,小明',
      bom: false,
    })
    expect(decodeUtf8Strict(bytes(0xef, 0xbb, 0xbf, 0x61))).toEqual({ ok: true, text: 'a', bom: true })
  })

  it.each([
    ['a lone continuation byte', [0x61, 0x80], 1],
    ['a Latin-1 é', [0x61, 0x62, 0xe9, 0x63], 2],
    ['an overlong "/"', [0x61, 0xc0, 0xaf], 1],
    ['an overlong 3-byte form', [0xe0, 0x80, 0xaf], 0],
    ['a UTF-16 surrogate', [0x61, 0xed, 0xa0, 0x80], 1],
    ['a code point above U+10FFFF', [0xf4, 0x90, 0x80, 0x80], 0],
    ['a truncated sequence at the end', [0x61, 0x62, 0xe4, 0xb8], 2],
    ['0xFF', [0xff], 0],
  ])('finds %s', (_what, input, offset) => {
    expect(firstInvalidUtf8(Uint8Array.from(input))).toBe(offset)
    const r = decodeUtf8Strict(Uint8Array.from(input))
    expect(r).toMatchObject({ ok: false, offset })
  })

  it('counts the line of the bad byte, and refuses NUL bytes and UTF-16', () => {
    const r = decodeUtf8Strict(bytes(0x61, 0x0a, 0x62, 0x0d, 0x0a, 0x63, 0xe9))
    expect(r).toMatchObject({ ok: false, offset: 6, line: 3 })
    expect(decodeUtf8Strict(bytes(0x61, 0x00, 0x62))).toMatchObject({
      ok: false,
      offset: 1,
      message: expect.stringContaining('NUL byte'),
    })
    expect(decodeUtf8Strict(bytes(0xfe, 0xff, 0x00, 0x61))).toMatchObject({
      ok: false,
      message: expect.stringContaining('UTF-16 (big-endian)'),
    })
  })
})

describe('CSV parsing', () => {
  it("keeps quoted delimiters, doubled quotes and line breaks, with each record's row and line", () => {
    const { records, quoteError } = parseCsv(
      'a,b\r\n"x, y","say ""hi"""\r\n"two\r\nlines",z\r\n\r\nlast,1',
      ',',
    )
    expect(quoteError).toBeNull()
    expect(records).toEqual([
      { row: 1, line: 1, cells: ['a', 'b'] },
      { row: 2, line: 2, cells: ['x, y', 'say "hi"'] },
      { row: 3, line: 3, cells: ['two\r\nlines', 'z'] },
      { row: 4, line: 5, cells: [''] },
      { row: 5, line: 6, cells: ['last', '1'] },
    ])
  })

  it('detects the delimiter from the header, even for a two-line file', () => {
    expect(detectDelimiter('given_name;family_name\nA;B\n')).toBe(';')
    expect(detectDelimiter('First name\tLast name\nA\tB')).toBe('\t')
    expect(detectDelimiter('prénom,nom\n"Dupont; Jean",X')).toBe(',')
    // Unknown headers: the delimiter that gives consistent columns.
    expect(detectDelimiter('a;b;c\n1;2;3\n4;5;6\n')).toBe(';')
  })
})

describe('header mapping', () => {
  it('recognises headers in many languages and spellings', () => {
    expect(
      [
        'Given Name',
        'GIVEN-NAME',
        'Prénom',
        'prenom',
        'الاسم',
        'الإسم',
        '名',
        'Tên',
        'पहला नाम',
        'ስም',
        'Vorname',
      ].map(recogniseHeader),
    ).toEqual(Array(11).fill('given_name'))
    expect(
      ['Last name', 'Surname', 'Nom', 'Nachname', 'اسم العائلة', '姓', 'Họ', 'उपनाम', 'የአባት ስም'].map(
        recogniseHeader,
      ),
    ).toEqual(Array(9).fill('family_name'))
    expect(['E-mail', 'Courriel', 'البريد الإلكتروني', '邮箱'].map(recogniseHeader)).toEqual(
      Array(4).fill('email'),
    )
    expect(['ID', 'Student ID', 'Matricule', 'external_id'].map(recogniseHeader)).toEqual(
      Array(4).fill('external_id'),
    )
    expect(['Name', 'Full name', 'Age'].map(recogniseHeader)).toEqual([null, null, null])
  })

  it('no two fields share a header key', () => {
    const seen = new Map<string, string>()
    for (const [field, names] of Object.entries(HEADER_SYNONYMS)) {
      for (const name of names) {
        const key = headerKey(name)
        expect(seen.get(key) ?? field, `"${name}" of ${field}`).toBe(field)
        seen.set(key, field)
        expect(recogniseHeader(name)).toBe(field)
      }
    }
    expect(seen.size).toBeGreaterThan(150)
  })

  it('explicit mapping wins over suggestions; the first recognised column of a field wins', () => {
    const r = assignColumns(['Email', 'E-mail', 'Prénom', 'Other'], { Other: 'given_name', Prénom: 'ignore' })
    expect(r.errors).toEqual([])
    expect(r.columns.map((c) => [c.field, c.how])).toEqual([
      ['email', 'suggested'],
      [null, 'unrecognised'],
      [null, 'ignored'],
      ['given_name', 'mapped'],
    ])
    expect(r.indexOf).toEqual({ email: 0, given_name: 3 })
  })
})
