import type { ErrorIssue } from '../../contract/errors'
import type { ImportReport } from '../../contract/ops/learners'

/** The issues of a refused import: where (row, column) and what, as every error in the contract. */
export function reportIssues(report: ImportReport, max = 1000): ErrorIssue[] {
  const issues: ErrorIssue[] = [
    ...report.fileErrors.map((e) => ({ path: e.row === null ? [] : ['row', e.row], message: e.message })),
    ...report.problems.map((p) => ({
      path: p.column === null ? ['row', p.row] : ['row', p.row, p.column],
      message: p.reason,
    })),
  ]
  return issues.slice(0, max)
}
