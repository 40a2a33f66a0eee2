import fs from 'node:fs'
import path from 'node:path'
import { InvalidArgumentError, type Command } from 'commander'
import { invalid } from '../../contract/errors'
import type {
  CredentialArtefacts,
  CredentialSummary,
  IssuerKeyInfo,
  VerificationReportOutput,
} from '../../contract/ops/credentials'
import { CheckFailed, withTessera, type CommandRuntime, type GlobalOptions } from '../runtime'

/**
 * Issuer keys, issuing, revocation, status lists, verification and the offline verifier kit.
 * Files are written next to each other as `<credential uuid>.json|.jwt|.png|.pdf` (no colons,
 * which Windows refuses in file names); see docs/credentials.md.
 */

type PageSize = 'A4' | 'LETTER'

const pageSizeOption = (v: string): PageSize => {
  const s = v.trim().toUpperCase()
  if (s !== 'A4' && s !== 'LETTER') throw new InvalidArgumentError('must be A4 or LETTER')
  return s
}

const positiveInt = (v: string): number => {
  const n = Number(v)
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError('must be a whole number, 1 or more')
  return n
}

function readFileOrFail(file: string): Buffer {
  try {
    return fs.readFileSync(file)
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code
    throw invalid(
      code === 'ENOENT' ? `${file} does not exist` : `cannot read ${file}: ${(e as Error).message}`,
    )
  }
}

function readJsonFile(file: string): unknown {
  const text = readFileOrFail(file)
    .toString('utf8')
    .replace(/^\uFEFF/, '')
  try {
    return JSON.parse(text) as unknown
  } catch (e) {
    throw invalid(`${file} is not JSON: ${(e as Error).message}`)
  }
}

/** Written next to its final name and renamed, so a reader never sees half a file. */
function writeFileAtomically(file: string, data: string | Uint8Array): string {
  const abs = path.resolve(file)
  fs.mkdirSync(path.dirname(abs), { recursive: true })
  const tmp = `${abs}.${process.pid}.tmp`
  try {
    fs.writeFileSync(tmp, data, { flush: true })
    fs.renameSync(tmp, abs)
  } catch (e) {
    fs.rmSync(tmp, { force: true })
    throw invalid(`cannot write ${abs}: ${(e as Error).message}`)
  }
  return abs
}

interface WrittenFiles {
  json: string
  jwt: string
  png: string
  pdf: string | null
}

function writeArtefacts(dir: string, a: CredentialArtefacts): WrittenFiles {
  const at = (ext: string) => path.join(dir, `${a.baseName}.${ext}`)
  return {
    json: writeFileAtomically(at('json'), a.json),
    jwt: writeFileAtomically(at('jwt'), a.jwt + '\n'),
    png: writeFileAtomically(at('png'), Buffer.from(a.pngBase64, 'base64')),
    pdf: a.pdfBase64 ? writeFileAtomically(at('pdf'), Buffer.from(a.pdfBase64, 'base64')) : null,
  }
}

const fileLines = (f: WrittenFiles): string[] =>
  [f.json, f.jwt, f.png, ...(f.pdf ? [f.pdf] : [])].map((p) => `  ${p}`)

const slug = (s: string): string =>
  s
    .normalize('NFC')
    .replace(/[^\p{L}\p{N}]+/gu, '-')
    .replace(/^-+|-+$/g, '')
    .toLowerCase() || 'cohort'

function keyLine(k: IssuerKeyInfo): string {
  const state = k.retiredAt ? `retired ${k.retiredAt}` : k.canSign ? 'current' : 'another device'
  return `${k.type.padEnd(8)} ${k.fingerprint}  ${state.padEnd(32)} created ${k.createdAt}`
}

function summaryLines(c: CredentialSummary): string[] {
  return [
    `Credential: ${c.id}`,
    `Learner:    ${c.learnerName} (${c.learnerId})`,
    `Badge:      ${c.achievementName}`,
    `Assessment: ${c.assessmentId}`,
    `Issued:     ${c.issuedAt}${c.validUntil ? `, valid until ${c.validUntil}` : ''}`,
    `Issuer:     ${c.issuerId}`,
    `Status:     ${c.statusListUrl} #${c.statusIndex}`,
    ...(c.supersedesId ? [`Replaces:   ${c.supersedesId}`] : []),
    ...(c.supersededById ? [`Replaced by: ${c.supersededById}`] : []),
    ...(c.revokedAt ? [`REVOKED:    ${c.revokedAt}: ${c.revocationReason}`] : []),
  ]
}

function reportLines(source: string, r: VerificationReportOutput): string[] {
  const who = r.qrToken
    ? `${r.qrToken.learnerName}: ${r.qrToken.achievementName}`
    : (() => {
        const s = (r.credential?.credentialSubject ?? {}) as {
          name?: unknown
          achievement?: { name?: unknown }
        }
        return [s.name, s.achievement?.name].filter((x) => typeof x === 'string').join(': ')
      })()
  return [
    `${source}: ${r.verified ? 'VERIFIED' : 'NOT VERIFIED'}${who ? ` (${who})` : ''}`,
    ...r.checks.map((c) => `  ${c.name.padEnd(10)} ${c.status.padEnd(8)} ${c.message}`),
  ]
}

async function issueOne(
  rt: CommandRuntime,
  o: { assessment: string; out: string; reissue?: boolean; reason?: string; pageSize: PageSize },
): Promise<void> {
  const r = await rt.call('credentials.issue', {
    assessmentId: o.assessment,
    reissue: Boolean(o.reissue),
    reason: o.reason,
    withPdf: true,
    pageSize: o.pageSize,
  })
  const files = writeArtefacts(o.out, r.artefacts)
  rt.out.result(
    {
      credentials: [
        {
          id: r.credential.id,
          assessmentId: r.credential.assessmentId,
          created: r.created,
          supersededId: r.supersededId,
          files,
        },
      ],
    },
    () =>
      [
        r.created
          ? `Issued ${r.credential.id} to ${r.credential.learnerName}: ${r.credential.achievementName}${r.supersededId ? ` (replaces ${r.supersededId}, now revoked)` : ''}`
          : `Already issued: ${r.credential.id} to ${r.credential.learnerName} (files written again)`,
        ...fileLines(files),
      ].join('\n'),
  )
}

async function issueCohort(
  rt: CommandRuntime,
  o: { cohort: string; out: string; pageSize: PageSize },
): Promise<void> {
  const r = await rt.call('credentials.issueCohort', {
    cohort: o.cohort,
    withPdf: true,
    pageSize: o.pageSize,
  })
  const written: { id: string; assessmentId: string; created: boolean; files: WrittenFiles }[] = []
  for (const [i, c] of r.issued.entries()) {
    rt.out.progress({ step: 'write files', done: i, total: r.issued.length, message: c.learnerName })
    const a = await rt.call('credentials.files', { id: c.id, withPdf: true, pageSize: o.pageSize })
    written.push({ id: c.id, assessmentId: c.assessmentId, created: true, files: writeArtefacts(o.out, a) })
  }
  const combinedPdf = r.combinedPdfBase64
    ? writeFileAtomically(
        path.join(o.out, `certificates-${slug(r.cohort.name)}.pdf`),
        Buffer.from(r.combinedPdfBase64, 'base64'),
      )
    : null
  rt.out.result({ cohort: r.cohort, credentials: written, skipped: r.skipped, combinedPdf }, () =>
    [
      `Cohort "${r.cohort.name}": ${r.issued.length} credential${r.issued.length === 1 ? '' : 's'} issued${r.skipped.length ? `, ${r.skipped.length} skipped` : ''}.`,
      ...written.flatMap((w, i) => [`${r.issued[i]!.learnerName}: ${w.id}`, ...fileLines(w.files)]),
      ...(combinedPdf ? [`All certificates: ${combinedPdf}`] : []),
      ...r.skipped.map((s) => `Skipped ${s.learnerName} (assessment ${s.assessmentId}): ${s.reason}`),
      ...(r.issued.length === 0 && r.skipped.length === 0
        ? ['Nothing to issue: every passed assessment of this cohort has its credential.']
        : []),
    ].join('\n'),
  )
}

export function registerCredentialCommands(program: Command): void {
  const keys = program
    .command('keys')
    .description("the organization's issuer keys and the keys of others it trusts")
  keys
    .command('list')
    .description('list issuer keys (current and retired) and trusted keys of other organizations')
    .action(async (_o: unknown, cmd: Command) => {
      await withTessera(
        cmd.optsWithGlobals<GlobalOptions>(),
        async ({ call, out }) => {
          const r = await call('keys.list', {})
          out.result(r, () =>
            [
              `Issuer id: ${r.currentIssuerId ?? '(no keys yet: run tessera keys rotate)'}`,
              ...r.keys.map(keyLine),
              ...(r.trusted.length
                ? [
                    '',
                    'Trusted keys of other organizations:',
                    ...r.trusted.map(
                      (k) => `${k.type.padEnd(8)} ${k.fingerprint}  ${k.ownerName}  ${k.issuerId}`,
                    ),
                  ]
                : []),
            ].join('\n'),
          )
        },
        { readonly: true },
      )
    })
  keys
    .command('rotate')
    .description('make new issuer keys; the old ones are retired but keep verifying what they signed')
    .option('--reason <text>', 'why (kept in the audit log)')
    .action(async (o: { reason?: string }, cmd: Command) => {
      await withTessera(cmd.optsWithGlobals<GlobalOptions>(), async ({ call, out }) => {
        const r = await call('keys.rotate', { reason: o.reason })
        out.result(r, () =>
          [
            `New issuer id: ${r.issuerId}`,
            ...r.keys.map(keyLine),
            ...(r.retired.length ? [`Retired: ${r.retired.join(', ')}`] : []),
          ].join('\n'),
        )
      })
    })
  keys
    .command('export-public')
    .description('write the public keys (and signed status lists) other installations and verifiers trust')
    .option('--out <file>', 'file to write (default: print it)')
    .action(async (o: { out?: string }, cmd: Command) => {
      await withTessera(
        cmd.optsWithGlobals<GlobalOptions>(),
        async ({ call, out }) => {
          const r = await call('keys.exportPublic', {})
          const text = JSON.stringify(r.document, null, 2) + '\n'
          if (!o.out) {
            process.stdout.write(text)
            return
          }
          const file = writeFileAtomically(o.out, text)
          out.result({ file }, () => `Wrote ${file}`)
        },
        { readonly: true },
      )
    })
  keys
    .command('import-public')
    .description("trust another organization's (or the hub's) issuer keys from its export-public file")
    .argument('<file>', 'a public-keys file')
    .action(async (file: string, _o: unknown, cmd: Command) => {
      await withTessera(cmd.optsWithGlobals<GlobalOptions>(), async ({ call, out }) => {
        const r = await call('keys.importPublic', { document: readJsonFile(file) })
        out.result(r, () =>
          [
            `Trusting ${r.organization}: ${r.imported.length} key${r.imported.length === 1 ? '' : 's'} imported, ${r.unchanged} already known, ${r.statusLists} status list${r.statusLists === 1 ? '' : 's'} held.`,
            ...r.imported.map((k) => `  ${k.type.padEnd(8)} ${k.fingerprint}  ${k.issuerId}`),
            'Compare these fingerprints with the ones the organization gave you (tessera keys list).',
          ].join('\n'),
        )
      })
    })

  program
    .command('issue')
    .description(
      'issue the credential of a finalized, passing assessment (or of a whole cohort) and write its files',
    )
    .option('--assessment <id>', 'the assessment')
    .option('--cohort <name>', "every passed, not yet issued assessment of this cohort's learners")
    .requiredOption('--out <dir>', 'folder for <id>.json, .jwt, .png and .pdf')
    .option(
      '--reissue',
      'replace the current credential (e.g. after a name fix); the old one is revoked as superseded',
    )
    .option('--reason <text>', 'why it is re-issued (with --reissue)')
    .option('--page-size <size>', 'certificate page size: A4 or LETTER', pageSizeOption, 'A4' as PageSize)
    .action(
      async (
        o: {
          assessment?: string
          cohort?: string
          out: string
          reissue?: boolean
          reason?: string
          pageSize: PageSize
        },
        cmd: Command,
      ) => {
        if (!o.assessment === !o.cohort)
          cmd.error('error: give either --assessment ID or --cohort NAME', { exitCode: 2 })
        if (o.cohort && o.reissue)
          cmd.error('error: --reissue works on one assessment at a time (--assessment)', { exitCode: 2 })
        await withTessera(cmd.optsWithGlobals<GlobalOptions>(), async (rt) =>
          o.assessment
            ? issueOne(rt, {
                assessment: o.assessment,
                out: o.out,
                reissue: o.reissue,
                reason: o.reason,
                pageSize: o.pageSize,
              })
            : issueCohort(rt, { cohort: o.cohort!, out: o.out, pageSize: o.pageSize }),
        )
      },
    )

  program
    .command('revoke')
    .description('revoke a credential (audited); the signed status list is updated')
    .argument('<credential-id>', 'urn:uuid:… or the bare UUID')
    .requiredOption('--reason <text>', 'why (kept with the credential and in the audit log)')
    .action(async (id: string, o: { reason: string }, cmd: Command) => {
      await withTessera(cmd.optsWithGlobals<GlobalOptions>(), async ({ call, out }) => {
        const c = await call('credentials.revoke', { id, reason: o.reason })
        out.result(c, () => `Revoked ${c.id} (${c.learnerName}: ${c.achievementName}) on ${c.revokedAt}.`)
      })
    })

  program
    .command('status-list')
    .description(
      "write this installation's signed status list (BitstringStatusListCredential), or hold another issuer's",
    )
    .option('--out <file>', 'write the signed list here')
    .option('--refresh', 're-sign it now even if the held copy is current')
    .option('--import <file>', "hold another issuer's signed status list (its keys must be trusted)")
    .action(async (o: { out?: string; refresh?: boolean; import?: string }, cmd: Command) => {
      if (!o.out === !o.import) cmd.error('error: give either --out FILE or --import FILE', { exitCode: 2 })
      await withTessera(cmd.optsWithGlobals<GlobalOptions>(), async ({ call, out }) => {
        if (o.import) {
          const l = await call('credentials.importStatusList', {
            credential: readJsonFile(o.import) as Record<string, unknown>,
          })
          out.result(l, () => `Holding the status list ${l.url} of ${l.issuerId} (signed ${l.signedAt}).`)
          return
        }
        const { lists } = await call('credentials.statusList', { refresh: Boolean(o.refresh) })
        const own = lists.filter((l) => l.owned && l.credential)
        const current = own.at(-1)
        if (!current?.credential)
          throw invalid(
            'This installation has no status list yet: it is made with the first credential issued',
          )
        const file = writeFileAtomically(o.out!, JSON.stringify(current.credential, null, 2) + '\n')
        out.result({ file, list: { ...current, credential: undefined } }, () =>
          [
            `Wrote ${file}`,
            `  ${current.url}: ${current.revoked} revoked of ${current.issued} issued (signed ${current.signedAt})`,
            ...(own.length > 1
              ? [
                  `  (${own.length - 1} older full list${own.length > 2 ? 's' : ''} not written: see --json of credentials.statusList)`,
                ]
              : []),
          ].join('\n'),
        )
      })
    })

  program
    .command('verify')
    .description(
      'verify credentials: .json, .jwt, baked .png/.svg files, or the text of a certificate QR code',
    )
    .argument('[files...]', 'credential files')
    .option('--qr <text>', 'the text of a QR code (scanned or typed)')
    .option('--email <email>', 'check the credential was issued to this email address')
    .action(async (files: string[], o: { qr?: string; email?: string }, cmd: Command) => {
      if (files.length === 0 && !o.qr)
        cmd.error('error: give credential files and/or --qr TEXT', { exitCode: 2 })
      await withTessera(
        cmd.optsWithGlobals<GlobalOptions>(),
        async ({ call, out }) => {
          const results: ({ source: string } & Omit<VerificationReportOutput, 'credential'>)[] = []
          const inputs: { source: string; run: () => Promise<VerificationReportOutput> }[] = files.map(
            (file) => ({
              source: file,
              run: () => {
                const bytes = readFileOrFail(file)
                const isPng = bytes
                  .subarray(0, 8)
                  .equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))
                return call('credentials.verify', {
                  source: isPng
                    ? { kind: 'png', dataBase64: bytes.toString('base64') }
                    : { kind: 'text', text: bytes.toString('utf8') },
                  email: o.email,
                })
              },
            }),
          )
          if (o.qr)
            inputs.push({
              source: 'QR code',
              run: () => call('credentials.verify', { source: { kind: 'qr', text: o.qr! }, email: o.email }),
            })
          const lines: string[] = []
          for (const i of inputs) {
            const { credential: _c, ...report } = await i.run()
            results.push({ source: i.source, ...report })
            lines.push(...reportLines(i.source, report))
          }
          const verified = results.every((r) => r.verified)
          out.result({ verified, results }, () => lines.join('\n'))
          if (!verified) {
            const n = results.filter((r) => !r.verified).length
            throw new CheckFailed(`${n} of ${results.length} not verified`)
          }
        },
        { readonly: true },
      )
    })

  program
    .command('verifier-kit')
    .description(
      "write an offline verifier (one HTML file) with this organization's public keys and status list",
    )
    .requiredOption('--out <dir>', 'folder to write it to (e.g. a USB stick)')
    .action(async (o: { out: string }, cmd: Command) => {
      await withTessera(cmd.optsWithGlobals<GlobalOptions>(), async ({ call, out }) => {
        const { files } = await call('credentials.verifierKit', {})
        const written = files.map((f) => writeFileAtomically(path.join(o.out, f.name), f.text))
        out.result({ files: written }, () =>
          [
            `Wrote the offline verifier: open ${written[0]} in a browser (no network needed).`,
            ...written.slice(1).map((f) => `  ${f}`),
          ].join('\n'),
        )
      })
    })

  const credentials = program.command('credentials').description('issued credentials')
  credentials
    .command('list')
    .description('list issued credentials, newest first')
    .option('--learner <id>', 'of this learner')
    .option('--achievement <id>', 'for this achievement')
    .option('--assessment <id>', 'of this assessment')
    .option('--revoked', 'only revoked ones')
    .option('--active', 'only ones not revoked')
    .option('--limit <n>', 'at most this many', positiveInt, 50)
    .action(
      async (
        o: {
          learner?: string
          achievement?: string
          assessment?: string
          revoked?: boolean
          active?: boolean
          limit: number
        },
        cmd: Command,
      ) => {
        await withTessera(
          cmd.optsWithGlobals<GlobalOptions>(),
          async ({ call, out }) => {
            const r = await call('credentials.list', {
              learnerId: o.learner,
              achievementId: o.achievement,
              assessmentId: o.assessment,
              revoked: o.revoked ? true : o.active ? false : undefined,
              limit: o.limit,
              offset: 0,
            })
            out.result(r, () =>
              r.items.length
                ? [
                    ...r.items.map(
                      (c) =>
                        `${c.id}  ${c.issuedAt.slice(0, 10)}  ${c.learnerName}: ${c.achievementName}${c.revokedAt ? '  REVOKED' : ''}`,
                    ),
                    ...(r.total > r.items.length ? [`(${r.items.length} of ${r.total})`] : []),
                  ].join('\n')
                : 'No credentials.',
            )
          },
          { readonly: true },
        )
      },
    )
  credentials
    .command('show')
    .description('one credential with its history')
    .argument('<credential-id>', 'urn:uuid:… or the bare UUID')
    .action(async (id: string, _o: unknown, cmd: Command) => {
      await withTessera(
        cmd.optsWithGlobals<GlobalOptions>(),
        async ({ call, out }) => {
          const c = await call('credentials.get', { id })
          out.result(c, () =>
            [
              ...summaryLines(c),
              'History:',
              ...c.history.map((h) => `  ${h.at}  ${h.actor}  ${h.action}`),
            ].join('\n'),
          )
        },
        { readonly: true },
      )
    })
  credentials
    .command('files')
    .description("write a credential's files again (JSON, JWT, baked PNG, PDF certificate)")
    .argument('<credential-id>', 'urn:uuid:… or the bare UUID')
    .requiredOption('--out <dir>', 'folder')
    .option('--page-size <size>', 'certificate page size: A4 or LETTER', pageSizeOption, 'A4' as PageSize)
    .action(async (id: string, o: { out: string; pageSize: PageSize }, cmd: Command) => {
      await withTessera(
        cmd.optsWithGlobals<GlobalOptions>(),
        async ({ call, out }) => {
          const files = writeArtefacts(
            o.out,
            await call('credentials.files', { id, withPdf: true, pageSize: o.pageSize }),
          )
          out.result({ files }, () => fileLines(files).join('\n'))
        },
        { readonly: true },
      )
    })
}
