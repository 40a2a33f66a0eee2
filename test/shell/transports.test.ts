import { describe, expect, it } from 'vitest'
import { createClient, type Client, type Transport } from '../../src/contract/client'
import { TesseraError, type Result } from '../../src/contract/errors'
import { opNames } from '../../src/contract/ops'
import type { ProgressEvent } from '../../src/contract/progress'
import { httpTransport } from '../../src/contract/transports/http-transport'
import { ipcTransport } from '../../src/contract/transports/ipc-transport'
import type { Tessera } from '../../src/core/app'
import { createSenderValidator, registerIpcHandlers } from '../../src/main/ipc'
import { createBridge } from '../../src/preload/bridge'
import { serveTessera } from '../../src/server'
import { openInitializedTessera, tempDir } from '../helpers/temp-db'
import { fakeIpc } from './fake-electron'

/**
 * One contract, three transports: the same calls through a direct `dispatch`, HTTP (a real server on
 * 127.0.0.1:0) and Electron IPC (the real main-side handlers and preload bridge over an in-process
 * pair) must give identical results and identical errors.
 */
async function threeClients(
  tessera: Tessera,
): Promise<{ clients: Record<'direct' | 'http' | 'ipc', Client>; close: () => Promise<void> }> {
  const direct: Transport = {
    invoke: (op, input, onProgress) => tessera.dispatch(op, input, { progress: onProgress }),
  }
  const server = await serveTessera(tessera, { staticDir: tempDir() })
  const ipc = fakeIpc()
  registerIpcHandlers(ipc.ipcMain, tessera, createSenderValidator())
  return {
    clients: {
      direct: createClient(direct),
      http: createClient(httpTransport({ baseUrl: server.origin, token: server.token })),
      ipc: createClient(ipcTransport(createBridge(ipc.ipcRenderer, opNames))),
    },
    close: () => server.close(),
  }
}

const csv = (rows: string[]): string =>
  Buffer.from(['given_name,family_name', ...rows].join('\n') + '\n').toString('base64')

describe('transport conformance', () => {
  it('gives identical results for the same reads', async () => {
    const tessera = await openInitializedTessera()
    const { clients, close } = await threeClients(tessera)
    try {
      const results = await Promise.all(
        Object.values(clients).map(async (c) => [
          await c.call('system.status'),
          await c.call('organization.get', {}),
          await c.call('assessors.list', {}),
        ]),
      )
      expect(results[1]).toEqual(results[0])
      expect(results[2]).toEqual(results[0])
      expect(results[0]![1]).toMatchObject({ name: 'Northside Skills Trust' })
    } finally {
      await close()
    }
  })

  it('gives identical errors, thrown as TesseraError with code, message, issues and details', async () => {
    const tessera = await openInitializedTessera()
    const { clients, close } = await threeClients(tessera)
    const failing: [string, unknown][] = [
      ['system.init', { organization: { name: 'Again' } }], // conflict
      ['system.init', { organization: { name: '', email: 'x' } }], // validation with issues
      ['learners.get', { id: 'no-such-learner' }], // not_found with details
      ['system.status', { unexpected: true }], // strict input
      ['system.doesNotExist', {}], // not in the contract
    ]
    try {
      for (const [op, input] of failing) {
        const errors = await Promise.all(
          Object.values(clients).map(async (c) => {
            const r = (await c.result(op as never, input as never)) as Result<unknown>
            expect(r.ok, op).toBe(false)
            const thrown = await (c.call as (o: string, i: unknown) => Promise<unknown>)(op, input).then(
              () => null,
              (e: unknown) => e,
            )
            expect(thrown).toBeInstanceOf(TesseraError)
            const e = thrown as TesseraError
            return {
              result: r,
              thrown: {
                name: e.name,
                code: e.code,
                message: e.message,
                issues: e.issues,
                details: e.details,
              },
            }
          }),
        )
        expect(errors[1], op).toEqual(errors[0])
        expect(errors[2], op).toEqual(errors[0])
      }
    } finally {
      await close()
    }
  })

  it('writes the same way and reports the same progress through each', async () => {
    const tessera = await openInitializedTessera()
    const { clients, close } = await threeClients(tessera)
    try {
      const seen: Record<string, { added: unknown; progress: ProgressEvent[] }> = {}
      for (const [name, c] of Object.entries(clients)) {
        const progress: ProgressEvent[] = []
        const assessor = await c.call('assessors.add', { name: `Assessor via ${name}` })
        expect(assessor).toMatchObject({ name: `Assessor via ${name}`, active: true })
        const imported = await c.call(
          'learners.importCommit',
          { csvBase64: csv([`Learner,Via-${name}`]) },
          { onProgress: (e) => progress.push(e) },
        )
        seen[name] = { added: Object.keys(imported).sort(), progress }
      }
      expect(seen.http).toEqual(seen.direct)
      expect(seen.ipc).toEqual(seen.direct)
      expect(seen.direct!.progress.length).toBeGreaterThan(0)
      const lists = await Promise.all(Object.values(clients).map((c) => c.call('assessors.list', {})))
      expect(lists[0]!.map((a) => a.name).sort()).toEqual([
        'Assessor via direct',
        'Assessor via http',
        'Assessor via ipc',
      ])
      expect(lists[1]).toEqual(lists[0])
      expect(lists[2]).toEqual(lists[0])
    } finally {
      await close()
    }
  })

  it('the HTTP transport reports an unreachable server as a Result, not a crash', async () => {
    const client = createClient(httpTransport({ baseUrl: 'http://127.0.0.1:9', token: 't' }))
    const r = await client.result('system.status')
    expect(r).toMatchObject({
      ok: false,
      error: { code: 'internal', message: expect.stringContaining('Cannot reach Tessera') },
    })
  })
})
