import fs from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { runCli } from '../helpers/cli'
import { tempDir } from '../helpers/temp-db'
import { cliDatabase, pdfPageCount, qrTextOfPdf, tool } from './fixtures'

/** A database with the safety rubric, learners (one in Greek, one in Cyrillic) and their assessments, closed for the CLI. */
async function prepare(): Promise<{ dir: string; db: string; passed: string[]; failed: string }> {
  const dir = tempDir()
  const db = path.join(dir, 'tessera.db')
  const { passed, failed } = await cliDatabase(db, {
    validityMonths: 36,
    passed: [
      { givenName: 'Ζωή', familyName: 'Παπαδοπούλου', cohorts: ['March 2026'] },
      { givenName: 'Светлана', familyName: 'Кузнецова', cohorts: ['March 2026'] },
    ],
    failed: [{ givenName: 'Olu', familyName: 'Ade', cohorts: ['March 2026'] }],
  })
  return { dir, db, passed, failed: failed[0]! }
}

// Each test spawns the real CLI many times (each spawn compiles the sources with tsx); on a busy
// two-core machine that takes minutes without anything being wrong.
describe(
  'tessera issue / verify / revoke / status-list / keys / verifier-kit (CLI)',
  { timeout: 300_000 },
  () => {
    it('issues four files; the PDF checks out, shows the name and its QR verifies; revoked credentials fail on status', async () => {
      const { dir, db, passed, failed } = await prepare()
      const out = path.join(dir, 'out')
      const cli = (...args: string[]) => runCli(['--db', db, ...args])

      const issued = cli('--json', 'issue', '--assessment', passed[0]!, '--out', out)
      expect(issued.stderr).toBe('')
      expect(issued.code).toBe(0)
      const [c] = issued.json<{
        credentials: { id: string; created: boolean; files: Record<string, string> }[]
      }>().credentials
      expect(c!.created).toBe(true)
      const uuid = c!.id.replace('urn:uuid:', '')
      for (const ext of ['json', 'jwt', 'png', 'pdf']) {
        expect(c!.files[ext]).toBe(path.join(out, `${uuid}.${ext}`))
        expect(fs.statSync(c!.files[ext]!).size).toBeGreaterThan(100)
      }

      // Idempotent: the same credential, files written again.
      const again = cli('issue', '--assessment', passed[0]!, '--out', out)
      expect(again.code).toBe(0)
      expect(again.stdout).toContain(`Already issued: ${c!.id}`)

      // The PDF: structurally sound, the learner's name as text, and a QR code that verifies.
      const pdf = c!.files.pdf!
      expect(tool('qpdf', ['--check', pdf])).toMatch(/No syntax or stream encoding errors/)
      expect(tool('pdftotext', [pdf, '-'])).toContain('Ζωή Παπαδοπούλου')
      const qr = qrTextOfPdf(pdf)
      expect(qr.length).toBeGreaterThan(100)
      const viaQr = cli('verify', '--qr', qr)
      expect(viaQr.code, viaQr.stdout + viaQr.stderr).toBe(0)
      expect(viaQr.stdout).toContain('QR code: VERIFIED (Ζωή Παπαδοπούλου: Electrical safety)')
      expect(viaQr.stdout).toMatch(
        /^ {2}status {5}passed {3}From the full credential held here: Not revoked/m,
      )

      const files = [c!.files.json!, c!.files.jwt!, c!.files.png!]
      const ok = cli('verify', ...files)
      expect(ok.code, ok.stdout + ok.stderr).toBe(0)
      for (const f of files) expect(ok.stdout).toContain(`${f}: VERIFIED`)
      for (const check of ['format', 'schema', 'proof', 'dates', 'status', 'rubric', 'issuer', 'recipient'])
        expect(ok.stdout).toMatch(new RegExp(`^  ${check} +(passed|skipped) `, 'm'))

      // A tampered copy fails on the proof, named.
      const tampered = path.join(dir, 'tampered.json')
      fs.writeFileSync(
        tampered,
        fs.readFileSync(c!.files.json!, 'utf8').replace('Ζωή Παπαδοπούλου', 'Ζωή Παπαδάκη'),
      )
      const bad = cli('verify', tampered)
      expect(bad.code).toBe(1)
      expect(bad.stdout).toContain(`${tampered}: NOT VERIFIED`)
      expect(bad.stdout).toMatch(/^ {2}proof {6}failed {3}The signature does not match/m)

      const revoke = cli('revoke', c!.id, '--reason', 'assessed the wrong person')
      expect(revoke.code, revoke.stderr).toBe(0)
      expect(revoke.stdout).toContain(`Revoked ${c!.id}`)
      const after = cli('verify', c!.files.json!)
      expect(after.code).toBe(1)
      expect(after.stdout).toMatch(/^ {2}status {5}failed {3}Revoked/m)
      const asJson = cli('--json', 'verify', c!.files.png!)
      expect(asJson.code).toBe(1)
      const report = asJson.json<{
        verified: boolean
        results: { checks: { name: string; status: string }[] }[]
      }>()
      expect(report.verified).toBe(false)
      expect(report.results[0]!.checks.find((k) => k.name === 'status')?.status).toBe('failed')

      const listFile = path.join(dir, 'status.json')
      const sl = cli('status-list', '--out', listFile)
      expect(sl.code, sl.stderr).toBe(0)
      expect(sl.stdout).toContain('1 revoked of 1 issued')
      const list = JSON.parse(fs.readFileSync(listFile, 'utf8'))
      expect(list.type).toEqual(['VerifiableCredential', 'BitstringStatusListCredential'])
      expect(list.proof[0].cryptosuite).toBe('eddsa-rdfc-2022')

      // A wrong passphrase: refused before anything is signed or written.
      const denied = path.join(dir, 'denied')
      const wrong = runCli(['--db', db, 'issue', '--assessment', passed[1]!, '--out', denied], {
        env: { TESSERA_PASSPHRASE: 'not the passphrase' },
      })
      expect(wrong.code).toBe(1)
      expect(wrong.stderr).toMatch(/Wrong passphrase/)
      expect(fs.existsSync(denied)).toBe(false)
      const none = runCli(['--db', db, 'issue', '--assessment', passed[1]!, '--out', denied], {
        env: { TESSERA_PASSPHRASE: '' },
      })
      expect(none.code).toBe(1)
      expect(none.stderr).toMatch(/passphrase/)

      const fail = cli('issue', '--assessment', failed, '--out', denied)
      expect(fail.code).toBe(1)
      expect(fail.stderr).toMatch(/did not pass/)
      expect(cli('issue', '--out', denied).code).toBe(2)
      expect(cli('verify').code).toBe(2)
      expect(cli('--json', 'credentials', 'list').json<{ total: number }>().total).toBe(1)
    })

    it('issues a whole cohort with one combined PDF; keys rotate, export and import; writes the offline verifier kit', async () => {
      const { dir, db, passed } = await prepare()
      const out = path.join(dir, 'cohort')
      const cli = (...args: string[]) => runCli(['--db', db, ...args])

      const r = cli('--json', 'issue', '--cohort', 'March 2026', '--out', out, '--page-size', 'letter')
      expect(r.code, r.stderr).toBe(0)
      const res = r.json<{
        credentials: { assessmentId: string; files: Record<string, string> }[]
        combinedPdf: string
      }>()
      expect(res.credentials.map((c) => c.assessmentId).sort()).toEqual([...passed].sort())
      for (const c of res.credentials)
        for (const f of Object.values(c.files)) expect(fs.existsSync(f)).toBe(true)
      expect(res.combinedPdf).toBe(path.join(out, 'certificates-march-2026.pdf'))
      expect(pdfPageCount(res.combinedPdf)).toBe(2)
      const text = tool('pdftotext', [res.combinedPdf, '-'])
      expect(text).toContain('Ζωή Παπαδοπούλου')
      expect(text).toContain('Светлана Кузнецова')
      const second = cli('issue', '--cohort', 'March 2026', '--out', out)
      expect(second.stdout).toContain('Nothing to issue')

      const list = cli('keys', 'list')
      expect(list.code).toBe(0)
      expect(list.stdout).toMatch(/^Ed25519 .* current/m)
      const rotate = cli('--json', 'keys', 'rotate', '--reason', 'test rotation')
      expect(rotate.code, rotate.stderr).toBe(0)
      expect(rotate.json<{ retired: string[] }>().retired).toHaveLength(2)
      expect(cli('verify', res.credentials[0]!.files.json!).code).toBe(0) // signed by a retired key: still trusted

      const keysFile = path.join(dir, 'northside.keys.json')
      expect(cli('keys', 'export-public', '--out', keysFile).code).toBe(0)
      const otherDb = path.join(dir, 'other.db')
      expect(runCli(['--db', otherDb, 'init', '--org-name', 'Southgate College']).code).toBe(0)
      const foreign = runCli(['--db', otherDb, 'verify', res.credentials[1]!.files.jwt!])
      expect(foreign.stdout).toMatch(/^ {2}issuer {5}warning {2}Third-party credential/m)
      const imp = runCli(['--db', otherDb, 'keys', 'import-public', keysFile])
      expect(imp.code, imp.stderr).toBe(0)
      expect(imp.stdout).toContain('Trusting Northside Skills Trust: 4 keys imported')
      const trusted = runCli(['--db', otherDb, 'verify', res.credentials[1]!.files.jwt!])
      expect(trusted.code).toBe(0)
      expect(trusted.stdout).toMatch(/^ {2}issuer {5}passed {3}Issued by Northside Skills Trust/m)

      const kitDir = path.join(dir, 'usb')
      const kit = cli('--json', 'verifier-kit', '--out', kitDir)
      expect(kit.code, kit.stderr).toBe(0)
      expect(kit.json<{ files: string[] }>().files.map((f) => path.basename(f))).toEqual([
        'tessera-verifier.html',
        'trusted-keys.json',
        'status-list-1.json',
      ])
      const html = fs.readFileSync(path.join(kitDir, 'tessera-verifier.html'), 'utf8')
      expect(html).toContain("default-src 'none'")
      expect(html).not.toMatch(/<script[^>]+src=/)
      expect(html).toContain('Northside Skills Trust')
    })
  },
)
