import fs from 'node:fs'
import { Option, type Command } from 'commander'
import { TesseraError } from '../../contract/errors'
import { openTessera } from '../../core/app'
import { resolveDbFile } from '../../core/node/paths'
import { restoreDatabase } from '../../core/sync/backup'
import { cliSecrets, createOutput } from '../io'
import { withTessera, type GlobalOptions } from '../runtime'

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`
const kindList = (byKind: Record<string, number>) =>
  Object.entries(byKind)
    .filter(([, n]) => n > 0)
    .map(([k, n]) => `${k} ${n}`)
    .join(', ')

/**
 * Offline sync: hub pairing, export/import of signed bundles, receipts, conflicts; plus results
 * reports, backup and restore. See docs/sync-format.md.
 */
export function registerSyncCommands(program: Command): void {
  const globals = (cmd: Command) => cmd.optsWithGlobals<GlobalOptions>()

  // --- hub ------------------------------------------------------------------------------------
  const hub = program
    .command('hub')
    .description('the central office: enrollment of field devices and the devices it trusts')
  hub
    .command('enroll-file')
    .description('make this installation the hub and write the file field devices join with')
    .requiredOption('--out <file>', 'where to write the enrollment file')
    .option('--name <name>', 'name of this hub as field devices will see it (default: host name)')
    .action(async (o: { out: string; name?: string }, cmd: Command) => {
      await withTessera(globals(cmd), async ({ call, out }) => {
        const r = await call('sync.hubEnrollFile', { outFile: o.out, name: o.name })
        out.result(r, () =>
          [
            `Wrote ${r.file}`,
            `Hub ${r.hubDeviceId}, key fingerprint ${r.fingerprint}`,
            `Carries: ${kindList(r.counts) || 'no rubrics yet'}`,
            'On each field device: tessera hub join FILE (and check the fingerprint there).',
          ].join('\n'),
        )
      })
    })
  hub
    .command('join')
    .description('pair this field device with the hub of an enrollment file')
    .argument('<file>', 'enrollment file written by `tessera hub enroll-file`')
    .option('--name <name>', 'name of this device as the hub will see it (default: host name)')
    .action(async (file: string, o: { name?: string }, cmd: Command) => {
      await withTessera(globals(cmd), async ({ call, out }) => {
        const r = await call('sync.hubJoin', { file, name: o.name })
        out.result(r, () =>
          [
            `${r.alreadyPaired ? 'Already paired with' : 'Paired with'} hub "${r.hubName}" (${r.hubDeviceId})`,
            `Hub key fingerprint ${r.fingerprint}: it must match what the hub showed.`,
            `Rubrics and keys: ${r.counts.accepted} new, ${r.counts.duplicate} already here, ${r.counts.conflict} in conflict`,
          ].join('\n'),
        )
      })
    })

  const devices = hub.command('devices').description('devices this installation knows')
  devices
    .command('list', { isDefault: true })
    .description('list known devices')
    .action(async (_o: unknown, cmd: Command) => {
      await withTessera(
        globals(cmd),
        async ({ call, out }) => {
          const list = await call('sync.listDevices', {})
          out.result(list, () =>
            list.length
              ? list
                  .map(
                    (d) =>
                      `${d.deviceId}  ${d.status.padEnd(7)} ${d.role.padEnd(5)} "${d.name}"  key ${d.fingerprint}` +
                      (d.lastBundleAt ? `  last bundle ${d.lastBundleAt}` : '') +
                      (d.revokeReason ? `  (revoked: ${d.revokeReason})` : ''),
                  )
                  .join('\n')
              : 'No devices known yet.',
          )
        },
        { readonly: true },
      )
    })
  devices
    .command('trust')
    .description('trust a revoked device again')
    .argument('<device-id>')
    .action(async (deviceId: string, _o: unknown, cmd: Command) => {
      await withTessera(globals(cmd), async ({ call, out }) => {
        const d = await call('sync.trustDevice', { deviceId })
        out.result(d, () => `Device "${d.name}" (${d.deviceId}) is trusted.`)
      })
    })
  devices
    .command('revoke')
    .description('refuse every bundle from a device from now on (lost or stolen laptop)')
    .argument('<device-id>')
    .requiredOption('--reason <text>', 'why (kept in the audit log)')
    .action(async (deviceId: string, o: { reason: string }, cmd: Command) => {
      await withTessera(globals(cmd), async ({ call, out }) => {
        const d = await call('sync.revokeDevice', { deviceId, reason: o.reason })
        out.result(d, () => `Device "${d.name}" (${d.deviceId}) is revoked: its bundles are refused.`)
      })
    })

  // --- export / import ----------------------------------------------------------------------------
  program
    .command('export')
    .description(
      'write a signed (and, once paired, encrypted) bundle of everything the hub has not acknowledged',
    )
    .requiredOption('--out <file>', 'bundle file to write')
    .option(
      '--without-evidence',
      'send only the hashes of evidence files (slow links); the bytes go with a later export',
    )
    .option('--for-device <id>', 'at the hub: an update bundle (rubrics, trusted keys) for this field device')
    .option('--full', 'everything, acknowledged or not')
    .action(
      async (
        o: { out: string; withoutEvidence?: boolean; forDevice?: string; full?: boolean },
        cmd: Command,
      ) => {
        await withTessera(
          globals(cmd),
          async ({ call, out }) => {
            const r = await call('sync.export', {
              outFile: o.out,
              withoutEvidence: Boolean(o.withoutEvidence),
              forDevice: o.forDevice,
              full: Boolean(o.full),
            })
            out.result(r, () =>
              [
                `Wrote ${r.file} (${r.bytes} bytes, ${r.encrypted ? `encrypted for ${r.to}` : 'signed, not encrypted: this device is not paired with a hub'})`,
                `${plural(r.records, 'record')}${r.records ? `: ${kindList(r.counts)}` : ''}; ${plural(r.evidenceFiles, 'evidence file')}` +
                  (r.evidenceOmitted ? ` (${r.evidenceOmitted} left out, only their hashes sent)` : ''),
                `SHA-256 ${r.sha256}`,
              ].join('\n'),
            )
          },
          // Only reads once the device keys exist, so it also works while the app holds the database.
          { readonly: true },
        )
      },
    )

  program
    .command('import')
    .description(
      'check a bundle completely, then apply it in one transaction (nothing changes if any check fails)',
    )
    .argument('<file>', 'bundle file')
    .option('--receipt <file>', 'at the hub: write the signed receipt here, to take back to the device')
    .option(
      '--trust-device',
      'accept a device this hub does not know yet (compare its key fingerprint first)',
    )
    .action(async (file: string, o: { receipt?: string; trustDevice?: boolean }, cmd: Command) => {
      await withTessera(globals(cmd), async ({ call, out }) => {
        const r = await call('sync.import', {
          file,
          receiptFile: o.receipt,
          trustDevice: Boolean(o.trustDevice),
        })
        out.result(r, () => {
          const lines = [
            r.alreadyImported
              ? `Bundle ${r.bundleId} from "${r.from.name}" was imported before: nothing changed.`
              : `Imported bundle ${r.bundleId} from "${r.from.name}" (${r.from.deviceId})${r.trustedNewDevice ? ', a newly trusted device' : ''}.`,
            `${r.counts.accepted} accepted, ${r.counts.duplicate} already held, ${r.counts.conflict} in conflict`,
          ]
          for (const c of r.conflicts)
            lines.push(`  conflict ${c.id}: ${c.kind} ${c.recordId} (tessera conflicts show ${c.id})`)
          if (r.pendingAuditEntries)
            lines.push(
              `${plural(r.pendingAuditEntries, 'audit entry', 'audit entries')} wait for earlier entries of their device.`,
            )
          if (r.receiptFile)
            lines.push(
              `Receipt written to ${r.receiptFile}: take it back to the device (tessera receipt import FILE).`,
            )
          else if (r.type === 'field-export')
            lines.push('The receipt is kept; import the same bundle again with --receipt FILE to write it.')
          return lines.join('\n')
        })
      })
    })

  program
    .command('receipt')
    .description('signed receipts from the hub')
    .command('import')
    .description('check a receipt and mark the records it lists as synced')
    .argument('<file>', 'receipt file written by `tessera import --receipt`')
    .action(async (file: string, _o: unknown, cmd: Command) => {
      await withTessera(globals(cmd), async ({ call, out }) => {
        const r = await call('sync.importReceipt', { file })
        out.result(r, () =>
          [
            r.alreadyImported
              ? `Receipt ${r.receiptId} was imported before.`
              : `Receipt ${r.receiptId} for bundle ${r.bundleId} checked and recorded.`,
            `The hub holds ${r.counts.accepted + r.counts.duplicate} of its records; ${r.counts.conflict} are kept there in conflict.`,
            r.stillUnacknowledged === 0
              ? 'All data accounted for: the hub holds every record of this device.'
              : `${plural(r.stillUnacknowledged, 'record')} still to export.`,
          ].join('\n'),
        )
      })
    })

  // --- status / conflicts -------------------------------------------------------------------------
  const sync = program.command('sync').description('sync state of this installation')
  sync
    .command('status')
    .description('how many records the hub has not acknowledged yet ("all data accounted for")')
    .action(async (_o: unknown, cmd: Command) => {
      await withTessera(
        globals(cmd),
        async ({ call, out }) => {
          const s = await call('sync.status', {})
          out.result(s, () => {
            const lines = [
              s.role
                ? `This ${s.role === 'hub' ? 'hub' : 'device'}: "${s.name}" (${s.deviceId}), key fingerprint ${s.fingerprint}`
                : `This device: ${s.deviceId} (no sync keys yet: made by hub enroll-file, hub join or export)`,
            ]
            if (s.role !== 'hub') {
              lines.push(
                s.hub
                  ? `Hub: "${s.hub.name}" (${s.hub.deviceId}), key ${s.hub.fingerprint}, paired ${s.hub.pairedAt}`
                  : 'Hub: not paired (tessera hub join FILE)',
              )
              lines.push(
                s.allAccountedFor
                  ? 'All data accounted for: the hub holds every record of this device.'
                  : `Not yet acknowledged by the hub: ${plural(s.unacknowledged.total - s.unacknowledged.evidenceFiles, 'record')} (${kindList(s.unacknowledged.byKind)})` +
                      (s.unacknowledged.evidenceFiles
                        ? `, ${plural(s.unacknowledged.evidenceFiles, 'evidence file')}`
                        : ''),
              )
              if (s.drafts) lines.push(`${plural(s.drafts, 'draft')} stay on this device until finalized.`)
              if (s.inConflictAtHub)
                lines.push(
                  `${plural(s.inConflictAtHub, 'record')} of this device are kept in conflict at the hub.`,
                )
              if (s.lastReceipt)
                lines.push(`Last receipt: ${s.lastReceipt.issuedAt} (imported ${s.lastReceipt.importedAt})`)
            } else {
              lines.push(`Bundles imported: ${s.bundlesImported}; devices known: ${s.knownDevices}`)
            }
            if (s.conflictsOpen)
              lines.push(`Open conflicts here: ${s.conflictsOpen} (tessera conflicts list)`)
            if (s.pendingAuditEntries)
              lines.push(`Audit entries waiting for their predecessors: ${s.pendingAuditEntries}`)
            return lines.join('\n')
          })
        },
        { readonly: true },
      )
    })
  sync
    .command('keys')
    .description('make this installation\u2019s device keys now (otherwise made on first sync use)')
    .option('--name <name>', 'name of this device as others will see it')
    .action(async (o: { name?: string }, cmd: Command) => {
      await withTessera(globals(cmd), async ({ call, out }) => {
        const r = await call('sync.ensureDevice', { name: o.name })
        out.result(
          r,
          () =>
            `${r.created ? 'Made' : 'Already has'} device keys: "${r.name}" (${r.deviceId}), fingerprint ${r.fingerprint}`,
        )
      })
    })

  const conflicts = program
    .command('conflicts')
    .description('records that arrived with the same id and different content')
  conflicts
    .command('list')
    .description('list conflicts (open ones by default)')
    .addOption(
      new Option('--status <status>', 'which ones').choices(['open', 'resolved', 'all']).default('open'),
    )
    .action(async (o: { status: 'open' | 'resolved' | 'all' }, cmd: Command) => {
      await withTessera(
        globals(cmd),
        async ({ call, out }) => {
          const list = await call('sync.listConflicts', { status: o.status })
          out.result(list, () =>
            list.length
              ? list
                  .map(
                    (c) =>
                      `${c.id}  ${c.status.padEnd(8)} ${c.kind} ${c.recordId}  from ${c.fromDeviceId}  ${c.reason.split(':')[0]}`,
                  )
                  .join('\n')
              : 'No conflicts.',
          )
        },
        { readonly: true },
      )
    })
  conflicts
    .command('show')
    .description('show both versions of a conflicting record')
    .argument('<id>')
    .action(async (id: string, _o: unknown, cmd: Command) => {
      await withTessera(
        globals(cmd),
        async ({ call, out }) => {
          const c = await call('sync.showConflict', { id })
          out.result(c, () =>
            [
              `Conflict ${c.id} (${c.status}): ${c.kind} ${c.recordId}`,
              `Why: ${c.reason}`,
              `From device ${c.fromDeviceId}, bundle ${c.bundleId}; the record table holds the ${c.current} version now.`,
              `Held here (${c.heldHash.slice(0, 12)}):`,
              JSON.stringify(c.held, null, 2),
              `Arrived (${c.incomingHash.slice(0, 12)}):`,
              JSON.stringify(c.incoming, null, 2),
            ].join('\n'),
          )
        },
        { readonly: true },
      )
    })
  conflicts
    .command('resolve')
    .description('settle a conflict')
    .argument('<id>')
    .addOption(
      new Option(
        '--keep <which>',
        'keep the current version, or make the other one current (mutable records)',
      )
        .choices(['current', 'other'])
        .makeOptionMandatory(),
    )
    .option('--note <text>', 'why (kept in the audit log)')
    .action(async (id: string, o: { keep: 'current' | 'other'; note?: string }, cmd: Command) => {
      await withTessera(globals(cmd), async ({ call, out }) => {
        const c = await call('sync.resolveConflict', { id, keep: o.keep, note: o.note })
        out.result(c, () => `Conflict ${c.id} resolved: the ${c.current} version is current.`)
      })
    })

  // --- report / backup / restore ------------------------------------------------------------------
  program
    .command('report')
    .description(
      'results for spreadsheets: one row per assessment with criterion levels, or one per credential',
    )
    .addOption(new Option('--format <format>', 'csv or json').choices(['csv', 'json']).makeOptionMandatory())
    .addOption(
      new Option('--what <what>', 'assessments or credentials')
        .choices(['assessments', 'credentials'])
        .default('assessments'),
    )
    .option('--out <file>', 'write to this file instead of standard output')
    .action(
      async (
        o: { format: 'csv' | 'json'; what: 'assessments' | 'credentials'; out?: string },
        cmd: Command,
      ) => {
        const opts = globals(cmd)
        await withTessera(
          opts,
          async ({ call, out }) => {
            const r = await call('reports.results', { format: o.format, what: o.what, outFile: o.out })
            // The report IS the output: printed as is (also with --json when no file was asked for).
            if (r.content !== null) process.stdout.write(r.content)
            else out.result(r, () => `Wrote ${plural(r.rows, 'row')} to ${r.file}`)
          },
          { readonly: true },
        )
      },
    )

  program
    .command('backup')
    .description('copy the database with SQLite\u2019s online backup (works while the app runs)')
    .requiredOption('--out <file>', 'backup file to write (never overwritten)')
    .action(async (o: { out: string }, cmd: Command) => {
      await withTessera(
        globals(cmd),
        async ({ call, out }) => {
          const r = await call('backup.create', { outFile: o.out })
          out.result(
            r,
            () => `Backed up to ${r.file} (${r.bytes} bytes, schema ${r.schemaVersion}, SHA-256 ${r.sha256})`,
          )
        },
        { readonly: true },
      )
    })

  program
    .command('restore')
    .description(
      'replace the database by a backup, after checking the backup; the replaced file is kept as .bak',
    )
    .argument('<file>', 'backup file')
    .action(async (file: string, _o: unknown, cmd: Command) => {
      const opts = globals(cmd)
      const out = createOutput(Boolean(opts.json))
      const dbFile = resolveDbFile(opts.db)
      if (!fs.existsSync(file)) throw new TesseraError('not_found', `${file} does not exist`)
      const r = restoreDatabase({ dbFile, fromFile: file })
      // Open once: applies any newer migrations to an older backup and proves it opens.
      const t = openTessera({ dbFile, secrets: cliSecrets(), actor: opts.as })
      const schemaVersion = t.ctx.database.schemaVersion
      t.close()
      out.result({ ...r, schemaVersion }, () =>
        [
          `Restored ${r.databaseFile} from ${r.restoredFrom} (schema ${schemaVersion}).`,
          r.previousKeptAs ? `The replaced database is kept as ${r.previousKeptAs}` : '',
        ]
          .filter(Boolean)
          .join('\n'),
      )
    })
}
