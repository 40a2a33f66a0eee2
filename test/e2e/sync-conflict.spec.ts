import fs from 'node:fs'
import path from 'node:path'
import type { TesseraServer } from './fixtures'
import { callApi, seriousAxeFindings } from './helpers/api'
import { expect, openSync, test } from './helpers/installations'

const PHONE_AT_HUB = '+260 97 000 0001'
const NOTE_ON_FIELD = 'Prefers morning sessions'
const RESOLUTION_NOTE = 'Phone number confirmed with the learner'

/** Pairs a field laptop with a hub through the ops the Sync screen uses (sync.spec.ts pairs on screen). */
async function pair(hub: TesseraServer, field: TesseraServer): Promise<void> {
  await callApi(hub, 'system.init', { organization: { name: 'Northside Skills Trust' } })
  await callApi(field, 'system.init', { organization: { name: 'Northside Skills Trust' } })
  const enrollment = await callApi(hub, 'sync.hubEnrollBytes', { name: 'Central office' })
  await callApi(field, 'sync.hubJoinBytes', {
    dataBase64: enrollment.file.dataBase64,
    name: 'Field laptop 3',
  })
}

/** Field → hub → receipt → field: both then hold the same records; the field owes the hub nothing. */
async function syncOnce(hub: TesseraServer, field: TesseraServer): Promise<void> {
  const bundle = await callApi(field, 'sync.exportBytes', {})
  const report = await callApi(hub, 'sync.importBytes', {
    dataBase64: bundle.file.dataBase64,
    trustDevice: true,
  })
  expect(report.counts.conflict).toBe(0)
  await callApi(field, 'sync.importReceiptBytes', { dataBase64: report.receipt!.dataBase64 })
  expect((await callApi(field, 'sync.status', {})).allAccountedFor).toBe(true)
}

test('a learner edited at the hub and on the field laptop: the conflict is compared and settled on the Sync screen', async ({
  hub,
  field,
  files,
}) => {
  test.setTimeout(180_000)
  await pair(hub.server, field.server)

  // The learner is enrolled on the field laptop and reaches the hub with the first sync.
  const learner = await callApi(field.server, 'learners.add', {
    givenName: 'Chipo',
    familyName: 'Banda',
    cohorts: [],
  })
  await syncOnce(hub.server, field.server)
  expect((await callApi(hub.server, 'learners.get', { id: learner.id })).givenName).toBe('Chipo')

  // Then both change the same learner before the next sync: the office adds a phone number, the
  // trainer (later) a note. The field's bundle with its edit is saved to a file.
  await callApi(hub.server, 'learners.update', { id: learner.id, phone: PHONE_AT_HUB })
  await new Promise((r) => setTimeout(r, 10)) // the trainer's edit is the later one, to the millisecond
  await callApi(field.server, 'learners.update', { id: learner.id, notes: NOTE_ON_FIELD })
  const bundle = await callApi(field.server, 'sync.exportBytes', {})
  const bundleFile = path.join(files, bundle.file.fileName)
  fs.writeFileSync(bundleFile, Buffer.from(bundle.file.dataBase64, 'base64'))

  // Hub: imports the bundle on the Sync screen; the report counts one conflict, on a learner.
  await openSync(hub)
  const h = hub.page
  await expect(h.getByTestId('sync-no-conflicts')).toBeVisible()
  await h.locator('#sync-import-file-hub').setInputFiles(bundleFile)
  const report = h.getByTestId('sync-import-report')
  await expect(report.getByTestId('sync-counts')).toContainText('Conflicts: 1')
  await expect(report.getByRole('row', { name: /Learners 0 0 1/ })).toBeVisible()

  // The conflict is listed and opened: both versions side by side, the later edit (the field's) in use.
  const conflicts = h.getByRole('region', { name: 'Conflicts' })
  const row = conflicts.getByRole('row', { name: new RegExp(`Learners ${learner.id}`) })
  await expect(row).toContainText('concurrent_edit')
  await row.getByRole('button', { name: `Compare the two versions of Learners ${learner.id}` }).click()
  const dialog = h.getByRole('dialog', { name: 'Conflict: Learners' })
  await expect(dialog).toBeVisible()
  const current = dialog.getByRole('region', { name: 'Current version (in use)' })
  const other = dialog.getByRole('region', { name: 'Other version (kept aside)' })
  await expect(current).toContainText(NOTE_ON_FIELD)
  await expect(current).not.toContainText(PHONE_AT_HUB)
  await expect(other).toContainText(PHONE_AT_HUB)
  await expect(other).not.toContainText(NOTE_ON_FIELD)
  await expect(dialog.getByRole('radio', { name: 'Keep the current version' })).toBeChecked()
  expect(await seriousAxeFindings(h)).toEqual([])

  // The person takes the office's version and says why.
  await dialog.getByRole('radio', { name: 'Use the other version' }).check()
  await dialog.getByLabel('Note').fill(RESOLUTION_NOTE)
  await dialog.getByRole('button', { name: 'Settle the conflict' }).click()
  await expect(dialog).toBeHidden()
  await expect(h.getByText('Conflict settled (Learners).')).toBeVisible()
  await expect(h.getByTestId('sync-no-conflicts')).toHaveText('No open conflicts.')
  await expect(h.getByTestId('sync-conflicts')).toHaveCount(0)

  // What the hub holds now: the chosen version, and the settled conflict with its note.
  const now = await callApi(hub.server, 'learners.get', { id: learner.id })
  expect(now.phone).toBe(PHONE_AT_HUB)
  expect(now.notes ?? '').not.toContain(NOTE_ON_FIELD)
  expect(await callApi(hub.server, 'sync.listConflicts', { status: 'open' })).toEqual([])
  const settled = await callApi(hub.server, 'sync.listConflicts', { status: 'resolved' })
  expect(settled).toHaveLength(1)
  expect(settled[0]).toMatchObject({ kind: 'learner', recordId: learner.id, resolutionNote: RESOLUTION_NOTE })
  expect((await callApi(hub.server, 'system.doctor', {})).ok).toBe(true)
  expect(await seriousAxeFindings(h)).toEqual([])
})
