/** Long operations report progress through the transport (IPC event, HTTP stream, CLI bar). */
export interface ProgressEvent {
  /** Stable key of the step, e.g. 'issue', 'import.validate'. */
  step: string
  done: number
  total: number
  message?: string
}
