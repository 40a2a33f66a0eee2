import type { ReactNode } from 'react'
import type { TesseraError } from '../../../contract/errors'
import type { OpState } from '../hooks/use-op'
import { DataTable, type DataTableProps } from './data-table'

/** `Omit` that keeps each member of a union (a table named by caption or by heading) apart. */
type WithoutRows<P> = P extends unknown ? Omit<P, 'rows'> : never

export type OpTableProps<V, T> = WithoutRows<DataTableProps<T>> & {
  /** What `useOp` gives: loading, failed, or the op's answer. */
  state: OpState<V>
  /** The table's rows in the op's answer. */
  rows: (value: V) => readonly T[]
  /** Said while the op runs. */
  loading: ReactNode
  /** Said when it failed; the error's own message by default. */
  failed?: (error: TesseraError) => ReactNode
}

/**
 * The list a read-only op loads, as a table: a loading line, then the error, the empty message or
 * the rows (see `DataTable`).
 */
export function OpTable<V, T>({ state, rows, loading, failed, ...table }: OpTableProps<V, T>): ReactNode {
  if (state.status === 'loading') return <p className="muted">{loading}</p>
  if (state.status === 'error')
    return <p className="field-error">{failed ? failed(state.error) : state.error.message}</p>
  return <DataTable<T> {...(table as DataTableProps<T>)} rows={rows(state.value)} />
}
