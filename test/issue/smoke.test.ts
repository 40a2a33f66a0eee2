import { describe, expect, it } from 'vitest'
import { finalizedAssessment, issueWorld } from './fixtures'

describe('smoke', () => {
  it('issues', async () => {
    const w = await issueWorld({ validityMonths: 12 })
    const id = await finalizedAssessment(w)
    const t0 = Date.now()
    const r = await w.t.call('credentials.issue', { assessmentId: id, withPdf: true })
    console.log(Date.now() - t0, r.credential, r.artefacts.json.length, r.artefacts.pdfBase64?.length)
    const v = await w.t.call('credentials.verify', { source: { kind: 'text', text: r.artefacts.json } })
    console.log(JSON.stringify(v.checks, null, 1))
    const v2 = await w.t.call('credentials.verify', { source: { kind: 'png', dataBase64: r.artefacts.pngBase64 } })
    console.log(v2.verified)
    const v3 = await w.t.call('credentials.verify', { source: { kind: 'text', text: r.artefacts.jwt } })
    console.log(JSON.stringify(v3.checks, null, 1))
    expect(v.verified).toBe(true)
  })
})
