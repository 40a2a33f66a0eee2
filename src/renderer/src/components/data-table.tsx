import type { Key, ReactNode } from 'react'
import { useTranslation } from 'react-i18next'

export interface Column<T> {
  key: string
  header: ReactNode
  cell: (row: T) => ReactNode
  /** Numbers line up at the end of the cell (the right in LTR, the left in RTL). */
  numeric?: boolean
}

export interface DataTableProps<T> {
  caption: ReactNode
  columns: readonly Column<T>[]
  rows: readonly T[]
  rowKey: (row: T) => Key
  /** Shown instead of the table when there are no rows. */
  empty?: ReactNode
  /** Hide the caption visually (it is still read out). */
  captionHidden?: boolean
}

/**
 * A plain semantic table. The scroll container is a labelled, focusable region so keyboard users
 * can scroll a wide table too. (Long lists will add @tanstack/react-virtual around the body.)
 */
export function DataTable<T>({
  caption,
  columns,
  rows,
  rowKey,
  empty,
  captionHidden,
}: DataTableProps<T>): ReactNode {
  const { t } = useTranslation()
  if (rows.length === 0) return <div className="table-empty">{empty ?? t('table.empty')}</div>
  return (
    <div
      className="table-scroll"
      role="region"
      aria-label={typeof caption === 'string' ? caption : undefined}
      tabIndex={0}
    >
      <table className="table">
        <caption className={captionHidden ? 'visually-hidden' : undefined}>{caption}</caption>
        <thead>
          <tr>
            {columns.map((c) => (
              <th key={c.key} scope="col" className={c.numeric ? 'numeric' : undefined}>
                {c.header}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rows.map((r) => (
            <tr key={rowKey(r)}>
              {columns.map((c) => (
                <td key={c.key} className={c.numeric ? 'numeric' : undefined}>
                  {c.cell(r)}
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  )
}
