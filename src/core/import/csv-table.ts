import Papa from 'papaparse'
import type { Delimiter } from '../../contract/ops/learners'

/** One record of the file. `row` is what a spreadsheet shows (the first record is row 1). */
export interface CsvRecord {
  row: number
  /** 1-based line where the record starts; differs from `row` once a value has contained a line break. */
  line: number
  cells: string[]
}

export interface CsvQuoteError {
  row: number
  line: number
  message: string
}

export interface CsvParse {
  records: CsvRecord[]
  /** A broken quote makes everything after it unreadable, so the first one stops the import. */
  quoteError: CsvQuoteError | null
}

/**
 * Parses CSV text (RFC 4180 quoting: "a ""quoted"" value", values with line breaks) with one
 * delimiter, keeping each record's row and starting line for the report. `maxRecords` reads only
 * the start of the file (delimiter detection).
 */
export function parseCsv(text: string, delimiter: Delimiter, maxRecords?: number): CsvParse {
  const records: CsvRecord[] = []
  let quoteError: CsvQuoteError | null = null
  const lines = lineCounter(text)
  let start = 0
  Papa.parse<string[]>(text, {
    delimiter,
    quoteChar: '"',
    escapeChar: '"',
    ...(maxRecords ? { preview: maxRecords } : {}),
    step: (result, parser) => {
      // The line break that ends the last line is not an empty record.
      if (start >= text.length && result.data.length === 1 && result.data[0] === '') return
      const row = records.length + 1
      const line = lines.lineOf(start)
      records.push({ row, line, cells: result.data })
      const quote = result.errors.find((e) => e.type === 'Quotes')
      if (quote && !quoteError) {
        const at = typeof quote.index === 'number' ? lines.lineOf(quote.index) : line
        quoteError = {
          row,
          line: at,
          message:
            quote.code === 'MissingQuotes'
              ? `row ${row} (line ${at}): a quoted value opens with " but never closes, so the rest of the file cannot be read — look for a stray " in that row`
              : `row ${row} (line ${at}): a quoted value has text after its closing " — inside quotes, write a quote as ""`,
        }
        parser.abort()
      }
      start = result.meta.cursor
    },
  })
  return { records, quoteError }
}

/** Maps offsets to 1-based line numbers, for offsets asked in increasing order (one pass over the text). */
function lineCounter(text: string): { lineOf(offset: number): number } {
  let pos = 0
  let line = 1
  return {
    lineOf(offset) {
      if (offset < pos) {
        pos = 0
        line = 1
      }
      for (; pos < offset && pos < text.length; pos++) {
        const c = text.charCodeAt(pos)
        if (c === 10 || (c === 13 && text.charCodeAt(pos + 1) !== 10)) line++
      }
      return line
    },
  }
}

export const isBlankRecord = (cells: string[]): boolean => cells.every((c) => c.trim() === '')
