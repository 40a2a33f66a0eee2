import fs from 'node:fs'
import path from 'node:path'
import type { TesseraServer } from './fixtures'
import { callApi, seriousAxeFindings } from './helpers/api'
import { expect, openSync, saveDownload, test } from './helpers/installations'

const RUBRIC = path.join(import.meta.dirname, 'files', 'welding.rubric.json')

/** A learner assessed on the field laptop against the rubric the hub sent with the enrollment file. */
async function assessOnField(server: TesseraServer): Promise<void> {
  const [rubric] = await callApi(server, 'rubrics.list', {})
  if (!rubric) throw new Error('the field device received no rubric from the hub')
  const detail = await callApi(server, 'rubrics.get', { rubricId: rubric.id })
  const learner = await callApi(server, 'learners.add', {
    givenName: 'Amina',
    familyName: 'Yusuf',
    cohorts: [],
  })
  await callApi(server, 'assessments.record', {
    learnerId: learner.id,
    rubricId: rubric.id,
    assessorName: 'Grace Okafor',
    assessedOn: '2026-11-20',
    overallComment: 'Clean, even beads.',
    scores: detail.version.content.criteria.map((c) => ({
      criterion: c.id,
      level: c.levels.at(-1)!.id,
      comment: '',
    })),
    finalize: true,
  })
}

test('field → hub → receipt → field, through the Sync screens of two installations', async ({
  hub,
  field,
  files,
}) => {
  test.setTimeout(180_000)
  await callApi(hub.server, 'system.init', { organization: { name: 'Northside Skills Trust' } })
  await callApi(hub.server, 'rubrics.import', { text: fs.readFileSync(RUBRIC, 'utf8') })
  await callApi(field.server, 'system.init', { organization: { name: 'Northside Skills Trust' } })

  // Hub: becomes the hub and saves the enrollment file.
  await openSync(hub)
  const h = hub.page
  await expect(h.getByTestId('sync-role')).toHaveText('Not set up')
  await h.getByLabel('Name of the hub').fill('Central office')
  const enrollment = await saveDownload(
    h,
    () => h.getByRole('button', { name: 'Make and save the enrollment file' }).click(),
    files,
  )
  await expect(h.getByTestId('sync-role')).toHaveText('Hub (central office)')
  const hubFingerprint = (await h.getByTestId('sync-fingerprint').textContent())?.trim() ?? ''
  expect(hubFingerprint).not.toBe('')

  // Field: joins with the enrollment file and sees the same hub fingerprint.
  await openSync(field)
  const f = field.page
  await f.getByLabel('Name of this device').fill('Field laptop 3')
  await f.locator('#sync-join-file').setInputFiles(enrollment)
  await expect(f.getByText('Paired with the hub "Central office".')).toBeVisible()
  await expect(f.getByTestId('sync-status')).toContainText(hubFingerprint)
  expect(await seriousAxeFindings(f)).toEqual([])

  // Field: an assessment, then the screen says what the hub does not hold yet.
  await assessOnField(field.server)
  await openSync(field)
  await expect(f.getByTestId('sync-verdict')).toContainText('Not yet acknowledged by the hub')
  const fieldFingerprint = (await f.getByTestId('sync-fingerprint').textContent())?.trim() ?? ''

  // Field: exports; the bundle is saved.
  const bundle = await saveDownload(
    f,
    () => f.getByRole('button', { name: 'Export and save the bundle' }).click(),
    files,
  )
  await expect(f.getByTestId('sync-export-result')).toContainText('encrypted for the hub')

  // Hub: a bundle with one flipped byte is refused, and nothing changed.
  const damaged = path.join(files, 'damaged.bundle')
  const bytes = fs.readFileSync(bundle)
  bytes[Math.floor(bytes.length / 2)]! ^= 0x01
  fs.writeFileSync(damaged, bytes)
  await h.locator('#sync-import-file-hub').setInputFiles(damaged)
  await expect(h.getByTestId('sync-import-refused')).toHaveText(
    'The bundle was refused. Nothing was changed.',
  )
  expect((await callApi(hub.server, 'sync.status', {})).bundlesImported).toBe(0)

  // Hub: the real bundle comes from a device it does not know yet: trusted explicitly, by fingerprint.
  await h.locator('#sync-import-file-hub').setInputFiles(bundle)
  const unknown = h.getByTestId('sync-unknown-device')
  await expect(unknown).toContainText('Field laptop 3')
  await expect(unknown).toContainText(fieldFingerprint)
  await unknown.getByRole('button', { name: 'Trust this device and import' }).click()
  const report = h.getByTestId('sync-import-report')
  await expect(report).toContainText('Imported the bundle from "Field laptop 3"')
  await expect(report.getByTestId('sync-counts')).toContainText(/Accepted: [1-9]\d*/)
  await expect(report.getByTestId('sync-counts')).toContainText('Conflicts: 0')
  await expect(report.getByRole('row', { name: /Assessments 1 0 0/ })).toBeVisible()
  await expect(h.getByTestId('sync-devices')).toContainText('Field laptop 3')
  const receipt = await saveDownload(
    h,
    () => report.getByRole('button', { name: 'Save the receipt' }).click(),
    files,
  )
  expect(await seriousAxeFindings(h)).toEqual([])

  // Hub: the same bundle again changes nothing: all duplicates.
  await h.locator('#sync-import-file-hub').setInputFiles(bundle)
  await expect(report).toContainText('was imported before')
  await expect(report.getByTestId('sync-duplicates')).toContainText('are duplicates')

  // Field: takes the receipt back; all data accounted for.
  await f.locator('#sync-receipt-file').setInputFiles(receipt)
  await expect(f.getByTestId('sync-receipt-result')).toContainText('Receipt checked')
  await expect(f.getByTestId('sync-verdict')).toHaveText(/All data accounted for/)
  await expect(f.getByTestId('sync-verdict')).toHaveClass(/sync-verdict-ok/)
  expect((await callApi(field.server, 'sync.status', {})).allAccountedFor).toBe(true)
  expect(await seriousAxeFindings(f)).toEqual([])
})
