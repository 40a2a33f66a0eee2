import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react'
import type { TesseraError } from '../../contract/errors'
import type { OpOutput } from '../../contract/ops'
import { api } from './api'
import { asTesseraError } from './components/form-errors'
import { firstStatusIfArrived, takeFirstStatus } from './first-status'

export type SystemStatus = OpOutput<'system.status'>

type StatusState =
  { state: 'loading' } | { state: 'ready'; status: SystemStatus } | { state: 'error'; error: TesseraError }

interface StatusApi {
  current: StatusState
  /** Reloads `system.status` (after setup, after editing the organization…). */
  refresh(): Promise<void>
}

const StatusContext = createContext<StatusApi | null>(null)

/** What this installation is (set up or not, the organization, counts), shared by the shell and screens. */
export function StatusProvider({ children }: { children: ReactNode }): ReactNode {
  const [current, setCurrent] = useState<StatusState>(() => {
    const arrived = firstStatusIfArrived()
    return arrived ? { state: 'ready', status: arrived } : { state: 'loading' }
  })
  const refresh = useCallback(async () => {
    const pending = takeFirstStatus() ?? api.call('system.status')
    try {
      const status = await pending
      // The same answer as the first render's: keep the state, so nothing renders again.
      setCurrent((prev) =>
        prev.state === 'ready' && prev.status === status ? prev : { state: 'ready', status },
      )
    } catch (e) {
      setCurrent({ state: 'error', error: asTesseraError(e) })
    }
  }, [])
  useEffect(() => {
    void refresh()
  }, [refresh])
  const value = useMemo(() => ({ current, refresh }), [current, refresh])
  return <StatusContext.Provider value={value}>{children}</StatusContext.Provider>
}

export function useStatus(): StatusApi {
  const ctx = useContext(StatusContext)
  if (!ctx) throw new Error('useStatus outside StatusProvider')
  return ctx
}

/** For screens shown only once set up: the status is loaded by then. */
export function useReadyStatus(): { status: SystemStatus; refresh: () => Promise<void> } {
  const { current, refresh } = useStatus()
  if (current.state !== 'ready') throw new Error('status not loaded')
  return { status: current.status, refresh }
}
