import { useState } from 'react'
import type { TesseraError } from '../../../../contract/errors'
import { asTesseraError } from '../../components/form-errors'
import { FileTooLarge, readPicked, useTooLargeMessage } from './file-button'

export interface PickedFile {
  busy: boolean
  error: TesseraError | null
  /** Why the file was not read (larger than the app can carry), in the person's language. */
  tooLarge: string | null
  /** Reads the picked file as base64 and hands it to `use`; a refusal or failure is kept to show. */
  take: (file: File, use: (dataBase64: string) => Promise<void>) => Promise<void>
}

/** Reads one picked file (an enrollment file, a receipt), with its busy, error and too-large states. */
export function usePickedFile(kind: 'bundle' | 'receipt'): PickedFile {
  const tooLargeMessage = useTooLargeMessage()
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<TesseraError | null>(null)
  const [tooLarge, setTooLarge] = useState<string | null>(null)

  const take = async (file: File, use: (dataBase64: string) => Promise<void>): Promise<void> => {
    setBusy(true)
    setError(null)
    setTooLarge(null)
    try {
      await use(await readPicked(file))
    } catch (e) {
      if (e instanceof FileTooLarge) setTooLarge(tooLargeMessage(e, kind))
      else setError(asTesseraError(e))
    } finally {
      setBusy(false)
    }
  }
  return { busy, error, tooLarge, take }
}
