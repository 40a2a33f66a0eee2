import type { Key, ReactNode } from 'react'
import { useTranslation } from 'react-i18next'

export interface Column<T> {
  key: string
  header: ReactNode
  cell: (row: T) => ReactNode
  /** Numbers line up at the end of the cell (the right in LTR, the left in RTL). */
  numeric?: boolean
  /** This column's cells name their row (`<th scope="row">`), so a screen reader says it with every cell. */
  rowHeader?: boolean
  /** Direction of the cells' text: `ltr` for ids and fingerprints, `auto` for people's text in any script. */
  dir?: 'ltr' | 'auto'
  /** Extra class of the column's cells (e.g. `mono`). */
  className?: string
}

/**
 * A table is named by its own caption, or by the heading (its id) of the section it is in; either
 * names the scroll container too.
 */
type TableName = { caption: ReactNode; labelledBy?: never } | { labelledBy: string; caption?: never }

export type DataTableProps<T> = TableName & {
  columns: readonly Column<T>[]
  rows: readonly T[]
  /** A stable key of a row (its index where rows have no id of their own and never move). */
  rowKey: (row: T, index: number) => Key
  /** Shown instead of the table when there are no rows. */
  empty?: ReactNode
  /** Hide the caption visually (it is still read out). */
  captionHidden?: boolean
  /** The row the person has open (`aria-current`). */
  isCurrent?: (row: T) => boolean
  /** `data-testid` of the `<table>`. */
  testId?: string
}

const classes = (...names: (string | false | undefined)[]): string | undefined =>
  names.filter(Boolean).join(' ') || undefined

/**
 * A plain semantic table. The scroll container is a labelled, focusable region so keyboard users
 * can scroll a wide table too. (Long lists will add @tanstack/react-virtual around the body.)
 */
export function DataTable<T>({
  caption,
  labelledBy,
  columns,
  rows,
  rowKey,
  empty,
  captionHidden,
  isCurrent,
  testId,
}: DataTableProps<T>): ReactNode {
  const { t } = useTranslation()
  if (rows.length === 0) return <div className="table-empty">{empty ?? t('table.empty')}</div>
  return (
    <div
      className="table-scroll"
      // Named by a heading, the table sits in that heading's section: a region of the same name
      // would be a second landmark saying the same thing, so the scroll container is a group.
      role={labelledBy ? 'group' : 'region'}
      aria-label={typeof caption === 'string' ? caption : undefined}
      aria-labelledby={labelledBy}
      tabIndex={0}
    >
      <table className="table" data-testid={testId}>
        {caption !== undefined && (
          <caption className={captionHidden ? 'visually-hidden' : undefined}>{caption}</caption>
        )}
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
          {rows.map((r, i) => (
            <tr key={rowKey(r, i)} aria-current={isCurrent?.(r) ? 'true' : undefined}>
              {columns.map((c) => {
                const Cell = c.rowHeader ? 'th' : 'td'
                return (
                  <Cell
                    key={c.key}
                    scope={c.rowHeader ? 'row' : undefined}
                    className={classes(c.numeric && 'numeric', c.className)}
                    dir={c.dir}
                  >
                    {c.cell(r)}
                  </Cell>
                )
              })}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  )
}
