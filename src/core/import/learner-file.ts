import {
  cohortNameField,
  DELIMITERS,
  learnerFieldsSchema,
  type Delimiter,
  type ImportField,
  type ImportProblem,
  type LearnerFields,
} from '../../contract/ops/learners'
import { emailKey } from '../domain/names'
import { isBlankRecord, parseCsv, type CsvRecord } from './csv-table'
import { assignColumns, GIVEN_NAME_EXAMPLES, recogniseHeader, type ColumnAssignment } from './learner-columns'
import { decodeUtf8Strict } from './utf8'

/** A row that passed validation: what would be written. */
export interface LearnerRow {
  row: number
  line: number
  fields: LearnerFields
  cohort: string | null
  emailKey: string | null
  /** Fields with a non-empty value in the file: an update changes only these. */
  present: Set<ImportField>
}

export interface SampleRow {
  row: number
  line: number
  valid: boolean
  values: Partial<Record<ImportField, string>>
}

export interface FileError {
  row: number | null
  line: number | null
  message: string
}

/** Everything that can be said about a file without the database. */
export interface LearnerFileAnalysis {
  bom: boolean
  delimiter: Delimiter | null
  delimiterDetected: boolean
  headers: string[]
  columns: ColumnAssignment[]
  fileErrors: FileError[]
  problems: ImportProblem[]
  rows: LearnerRow[]
  /** Rows (spreadsheet numbers) with at least one problem. */
  invalidRows: Set<number>
  dataRows: number
  blankRows: number
  sample: SampleRow[]
}

export interface AnalyseOptions {
  delimiter?: Delimiter | null
  mapping?: Record<string, ImportField | 'ignore'>
  sampleSize?: number
}

const FIELD_KEY: Record<keyof LearnerFields, ImportField> = {
  givenName: 'given_name',
  familyName: 'family_name',
  email: 'email',
  phone: 'phone',
  externalId: 'external_id',
  notes: 'notes',
}

/**
 * Reads a learner CSV: encoding, delimiter, header mapping, then every row through the same field
 * schemas the learner ops use. Pure: the database-dependent part (duplicates against existing
 * learners) is `planLearnerImport`.
 */
export function analyseLearnerFile(bytes: Uint8Array, opts: AnalyseOptions = {}): LearnerFileAnalysis {
  const result: LearnerFileAnalysis = {
    bom: false,
    delimiter: null,
    delimiterDetected: false,
    headers: [],
    columns: [],
    fileErrors: [],
    problems: [],
    rows: [],
    invalidRows: new Set(),
    dataRows: 0,
    blankRows: 0,
    sample: [],
  }
  const fail = (
    message: string,
    row: number | null = null,
    line: number | null = null,
  ): LearnerFileAnalysis => {
    result.fileErrors.push({ row, line, message })
    return result
  }

  const decoded = decodeUtf8Strict(bytes)
  if (!decoded.ok) return fail(decoded.message, null, decoded.line)
  result.bom = decoded.bom
  const text = decoded.text
  if (text.trim() === '')
    return fail(bytes.length === 0 ? 'The file is empty.' : 'The file is empty (it holds only blank lines).')

  const delimiter = opts.delimiter ?? detectDelimiter(text)
  result.delimiter = delimiter
  result.delimiterDetected = !opts.delimiter

  const { records, quoteError } = parseCsv(text, delimiter)
  const headerIndex = records.findIndex((r) => !isBlankRecord(r.cells))
  const header = records[headerIndex]
  if (!header) return fail('The file is empty (it holds only blank lines).')
  result.headers = header.cells.map((h) => h.normalize('NFC').trim())
  const mapping = assignColumns(result.headers, opts.mapping ?? {})
  result.columns = mapping.columns
  if (quoteError) return fail(quoteError.message, quoteError.row, quoteError.line)
  for (const e of mapping.errors)
    result.fileErrors.push({ row: header.row, line: header.line, message: `Mapping: ${e}.` })
  if (mapping.indexOf.given_name === undefined) {
    result.fileErrors.push({
      row: header.row,
      line: header.line,
      message: missingGivenNameMessage(result.headers, delimiter, result.delimiterDetected),
    })
  }
  if (result.fileErrors.length) return result

  const data = records.slice(headerIndex + 1)
  result.dataRows = data.length
  const sampleSize = opts.sampleSize ?? 20
  for (const record of data) {
    if (isBlankRecord(record.cells)) {
      result.blankRows++
      continue
    }
    const checked = checkRow(record, result.headers, mapping.indexOf)
    if (checked.problems.length) {
      result.problems.push(...checked.problems)
      result.invalidRows.add(record.row)
    } else if (checked.row) {
      result.rows.push(checked.row)
    }
    if (result.sample.length < sampleSize) {
      result.sample.push({
        row: record.row,
        line: record.line,
        valid: checked.problems.length === 0,
        values: checked.values,
      })
    }
  }
  if (result.dataRows - result.blankRows === 0) {
    return fail('The file has a header row but no learners below it.', header.row, header.line)
  }
  return result
}

function checkRow(
  record: CsvRecord,
  headers: string[],
  indexOf: Partial<Record<ImportField, number>>,
): { row: LearnerRow | null; problems: ImportProblem[]; values: Partial<Record<ImportField, string>> } {
  const at = { row: record.row, line: record.line }
  const problems: ImportProblem[] = []
  const raw: Partial<Record<ImportField, string>> = {}
  const values: Partial<Record<ImportField, string>> = {}
  for (const [f, index] of Object.entries(indexOf) as [ImportField, number][]) {
    const cell = record.cells[index] ?? ''
    raw[f] = cell
    const shown = cell.normalize('NFC').trim()
    if (shown !== '') values[f] = shown
  }

  const extra = record.cells.slice(headers.length)
  if (extra.some((c) => c.trim() !== '')) {
    problems.push({
      ...at,
      column: null,
      field: null,
      value: null,
      reason: `has ${record.cells.length} values but the header has ${headers.length} columns — is there an unquoted delimiter inside a value?`,
    })
  }

  const parsed = learnerFieldsSchema.safeParse({
    givenName: raw.given_name ?? '',
    familyName: raw.family_name,
    email: raw.email,
    phone: raw.phone,
    externalId: raw.external_id,
    notes: raw.notes,
  })
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const f = FIELD_KEY[issue.path[0] as keyof LearnerFields]
      problems.push(problemAt(at, headers, indexOf, f, raw[f] ?? null, issue.message))
    }
  }
  let cohort: string | null = null
  if (raw.cohort !== undefined && raw.cohort.trim() !== '') {
    const c = cohortNameField.safeParse(raw.cohort)
    if (c.success) cohort = c.data
    else
      problems.push(
        problemAt(at, headers, indexOf, 'cohort', raw.cohort, c.error.issues[0]?.message ?? 'invalid'),
      )
  }
  if (problems.length || !parsed.success) return { row: null, problems, values }

  const present = new Set<ImportField>((Object.keys(values) as ImportField[]).filter((f) => f !== 'cohort'))
  return {
    row: { ...at, fields: parsed.data, cohort, emailKey: emailKey(parsed.data.email), present },
    problems,
    values,
  }
}

function problemAt(
  at: { row: number; line: number },
  headers: string[],
  indexOf: Partial<Record<ImportField, number>>,
  field: ImportField,
  value: string | null,
  reason: string,
): ImportProblem {
  const index = indexOf[field]
  return {
    ...at,
    column: index === undefined ? field : headers[index] || `#${index + 1}`,
    field,
    value: value === null ? null : value.length > 120 ? value.slice(0, 117) + '...' : value,
    reason,
  }
}

/**
 * Picks the delimiter whose header row reads as a learner table: the most recognised headers
 * (a given-name column first of all), then rows with as many values as the header, then more columns.
 */
export function detectDelimiter(text: string): Delimiter {
  let best: { d: Delimiter; score: number[] } | null = null
  for (const d of DELIMITERS) {
    const records = parseCsv(text, d, 30).records.filter((r) => !isBlankRecord(r.cells))
    const header = records[0]?.cells ?? []
    const fields = new Set(header.map(recogniseHeader).filter((f) => f !== null))
    const rest = records.slice(1)
    const consistent = rest.length
      ? rest.filter((r) => r.cells.length === header.length).length / rest.length
      : 1
    const score = [
      fields.has('given_name') ? 1 : 0,
      fields.size,
      header.length > 1 ? consistent : 0,
      header.length,
    ]
    if (!best || compare(score, best.score) > 0) best = { d, score }
  }
  return best?.d ?? ','
}

const compare = (a: number[], b: number[]): number => {
  for (let i = 0; i < a.length; i++) if ((a[i] ?? 0) !== (b[i] ?? 0)) return (a[i] ?? 0) - (b[i] ?? 0)
  return 0
}

const NAMES: Record<string, string> = { ',': 'comma', ';': 'semicolon', '\t': 'tab', '|': 'vertical bar' }

function missingGivenNameMessage(headers: string[], delimiter: Delimiter, detected: boolean): string {
  const shown = headers.map((h) => `"${h.length > 60 ? h.slice(0, 57) + '...' : h}"`).join(', ')
  const base =
    `Could not find the columns given_name/family_name: no column holds given names ` +
    `(looked for headers such as ${GIVEN_NAME_EXAMPLES.join(', ')}). ` +
    `The header row was read as ${headers.length} column${headers.length === 1 ? '' : 's'}: ${shown}.`
  const inside = Object.keys(NAMES).filter((d) => d !== delimiter && headers.some((h) => h.includes(d)))
  if (headers.length <= 1 || inside.length) {
    const found = inside.map((d) => `${NAMES[d]} (${d === '\t' ? '\\t' : d})`).join(', ')
    return (
      `${base} Is the delimiter right? The file was read with ${detected ? 'the detected' : 'the chosen'} ${NAMES[delimiter]}` +
      `${found ? ` but the header contains a ${found}` : ''}; Tessera reads files separated by commas, semicolons or tabs.`
    )
  }
  return `${base} Map the column that holds given names to given_name.`
}
