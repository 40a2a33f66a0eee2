import { afterEach, describe, expect, it } from 'vitest'
import { createClient, type Transport } from '../../src/contract/client'
import { TesseraError, type ApiError, type Result } from '../../src/contract/errors'
import type { OpName } from '../../src/contract/ops'
import { setUnlockPrompt, withUnlock, type PassphrasePurpose } from '../../src/renderer/src/unlock-gate'

const required = (purpose: PassphrasePurpose): ApiError => ({
  code: 'passphrase_required',
  message: 'The passphrase for the issuer keys is needed: unlock them, then try again',
  details: { purpose },
})

/** A transport whose answers are scripted per op; `locked` decides whether signing ops need the passphrase. */
function scripted(state: { locked: boolean }) {
  const calls: OpName[] = []
  const transport: Transport = {
    invoke(op): Promise<Result<unknown>> {
      calls.push(op)
      if (op === 'credentials.issue' && state.locked)
        return Promise.resolve({ ok: false, error: required('unlock') })
      if (op === 'session.unlock') return Promise.resolve({ ok: false, error: required('unlock') })
      return Promise.resolve({ ok: true, value: { op } })
    },
  }
  return { calls, client: withUnlock(createClient(transport)) }
}

afterEach(() => setUnlockPrompt(null))

describe('the unlock gate around the UI client', () => {
  it('asks once when an op needs the passphrase and retries it once after an unlock', async () => {
    const state = { locked: true }
    const { calls, client } = scripted(state)
    const asked: PassphrasePurpose[] = []
    setUnlockPrompt(async (purpose) => {
      asked.push(purpose)
      state.locked = false
      return true
    })
    const input = { assessmentId: 'a1' }
    expect(await client.call('credentials.issue', input)).toEqual({ op: 'credentials.issue' })
    expect(asked).toEqual(['unlock'])
    expect(calls).toEqual(['credentials.issue', 'credentials.issue'])
  })

  it('cancelling gives the caller the original typed error', async () => {
    const { calls, client } = scripted({ locked: true })
    setUnlockPrompt(async () => false)
    const e = await client.call('credentials.issue', { assessmentId: 'a1' }).catch((x: unknown) => x)
    expect(e).toBeInstanceOf(TesseraError)
    expect(e).toMatchObject({ code: 'passphrase_required', details: { purpose: 'unlock' } })
    expect(calls).toEqual(['credentials.issue'])
  })

  it('retries only once: still locked after the dialog means the error comes back', async () => {
    const { calls, client } = scripted({ locked: true })
    let prompts = 0
    setUnlockPrompt(async () => (prompts++, true))
    const r = await client.result('credentials.issue', { assessmentId: 'a1' })
    expect(r.ok).toBe(false)
    expect(prompts).toBe(1)
    expect(calls).toHaveLength(2)
  })

  it('calls waiting at the same time share one dialog', async () => {
    const state = { locked: true }
    const { client } = scripted(state)
    let prompts = 0
    let release: (ok: boolean) => void = () => undefined
    setUnlockPrompt(() => {
      prompts++
      return new Promise<boolean>((resolve) => (release = resolve))
    })
    const both = Promise.all([
      client.call('credentials.issue', { assessmentId: 'a1' }),
      client.call('credentials.issue', { assessmentId: 'a2' }),
    ])
    await new Promise((r) => setTimeout(r, 0))
    state.locked = false
    release(true)
    await both
    expect(prompts).toBe(1)
  })

  it('never opens the dialog for the session ops themselves, nor without a dialog mounted', async () => {
    const { client } = scripted({ locked: true })
    let prompts = 0
    setUnlockPrompt(async () => (prompts++, true))
    expect((await client.result('session.unlock', { passphrase: 'x' })).ok).toBe(false)
    expect(prompts).toBe(0)
    setUnlockPrompt(null)
    expect((await client.result('credentials.issue', { assessmentId: 'a1' })).ok).toBe(false)
  })
})
