import type { ReactNode } from 'react'
import { useTranslation } from 'react-i18next'
import type { ImportField, ImportReport } from '../../../../contract/ops/learners'
import { DataTable, type Column } from '../../components/data-table'

/** The longest list of problems or duplicates shown (the counts say how many there are). */
const SHOWN_ROWS = 500

type Problem = ImportReport['problems'][number]
type Duplicate = ImportReport['duplicates'][number]
type SampleRow = ImportReport['sample'][number]

/**
 * The tables of an import preview, each in its own titled card and only when it has rows: every bad
 * row with its row number and column, the duplicates, and the first rows as they will be imported.
 */
export function ImportReportTables({
  report,
  fields,
}: {
  report: ImportReport
  /** The learner fields a row can fill, in column order. */
  fields: readonly ImportField[]
}): ReactNode {
  const { t, i18n } = useTranslation()
  const number = new Intl.NumberFormat(i18n.language)
  const rowNumber: Column<{ row: number }> = {
    key: 'row',
    header: t('learners.import.row'),
    numeric: true,
    cell: (r) => number.format(r.row),
  }
  const problemColumns: Column<Problem>[] = [
    rowNumber,
    { key: 'column', header: t('learners.import.column'), cell: (p) => p.column ?? '—' },
    { key: 'value', header: t('learners.import.value'), dir: 'auto', cell: (p) => p.value ?? '' },
    { key: 'reason', header: t('learners.import.reason'), cell: (p) => p.reason },
  ]
  const duplicateColumns: Column<Duplicate>[] = [
    rowNumber,
    { key: 'value', header: t('learners.import.value'), dir: 'ltr', cell: (d) => d.value },
    {
      key: 'sameAs',
      header: t('learners.import.sameAs'),
      dir: 'auto',
      cell: (d) =>
        d.sameAsRow !== null ? t('learners.import.rowN', { n: d.sameAsRow }) : (d.learnerName ?? ''),
    },
    {
      key: 'action',
      header: t('learners.import.action'),
      cell: (d) => (d.action === 'skip' ? t('learners.import.dupSkip') : t('learners.import.dupUpdate')),
    },
  ]
  const sampleColumns: Column<SampleRow>[] = [
    rowNumber,
    { key: 'action', header: t('learners.import.action'), cell: (s) => t(`learners.import.act.${s.action}`) },
    ...fields.map((f): Column<SampleRow> => ({
      key: f,
      header: t(`learners.import.field.${f}`),
      dir: 'auto',
      cell: (s) => s.values[f] ?? '',
    })),
  ]

  return (
    <>
      <ReportTable
        id="problems-title"
        title={t('learners.import.problems', { count: report.problems.length })}
        testId="import-problems"
        columns={problemColumns}
        rows={report.problems}
        more={(count) => t('learners.import.moreProblems', { count })}
      />
      <ReportTable
        id="dups-title"
        title={t('learners.import.duplicates', { count: report.duplicates.length })}
        columns={duplicateColumns}
        rows={report.duplicates}
      />
      <ReportTable
        id="sample-title"
        title={t('learners.import.preview')}
        columns={sampleColumns}
        rows={report.sample}
      />
    </>
  )
}

/** A titled card with a table of at most SHOWN_ROWS rows; nothing when there are none. */
function ReportTable<T>({
  id,
  title,
  testId,
  columns,
  rows,
  more,
}: {
  id: string
  title: string
  testId?: string
  columns: Column<T>[]
  rows: readonly T[]
  /** What to say of the rows left out, if anything. */
  more?: (count: number) => string
}): ReactNode {
  if (rows.length === 0) return null
  return (
    <section className="card" aria-labelledby={id}>
      <h3 className="subsection-title" id={id}>
        {title}
      </h3>
      <DataTable
        labelledBy={id}
        testId={testId}
        columns={columns}
        rows={rows.slice(0, SHOWN_ROWS)}
        rowKey={(_, i) => i}
      />
      {more && rows.length > SHOWN_ROWS && <p className="muted">{more(rows.length - SHOWN_ROWS)}</p>}
    </section>
  )
}
