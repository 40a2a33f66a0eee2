import { sql } from 'kysely'
import { notFound, TesseraError } from '../../contract/errors'
import type { systemOps, Organization } from '../../contract/ops/system'
import { newId } from '../domain/ids'
import { issuerIdOf } from '../crypto/keys'
import { appendAudit, verifyAuditChain } from './audit'
import {
  askNewPassphrase,
  checkNewPassphrase,
  insertIssuerKeys,
  keyFingerprint,
  prepareIssuerKeys,
} from './issuer-keys'
import { isoNow, type ServiceContext } from './context'
import type { FeatureHandlers } from './handlers'
import type { OrganizationTable } from '../db/schema'
import type { Selectable } from 'kysely'

const toOrganization = (r: Selectable<OrganizationTable>): Organization => ({
  id: r.id,
  name: r.name,
  url: r.url,
  email: r.email,
  description: r.description,
  logo:
    r.logo && r.logo_media_type
      ? { mediaType: r.logo_media_type as 'image/png', dataBase64: Buffer.from(r.logo).toString('base64') }
      : null,
})

export function systemHandlers(ctx: ServiceContext): FeatureHandlers<typeof systemOps> {
  const { db } = ctx

  const getOrganization = async (): Promise<Organization | null> => {
    const row = await db.selectFrom('organization').selectAll().orderBy('created_at').executeTakeFirst()
    return row ? toOrganization(row) : null
  }

  const count = async (
    table: 'learner' | 'assessor' | 'rubric' | 'assessment',
    where?: 'draft',
  ): Promise<number> => {
    let q = db.selectFrom(table).select((eb) => eb.fn.countAll<number>().as('n'))
    if (where === 'draft') q = q.where(sql.ref('state'), '=', 'draft')
    return Number((await q.executeTakeFirstOrThrow()).n)
  }

  return {
    'system.status': async () => {
      const organization = await getOrganization()
      return {
        initialized: organization !== null,
        deviceId: ctx.deviceId,
        schemaVersion: ctx.database.schemaVersion,
        databaseFile: ctx.database.file,
        organization,
        counts: {
          learners: await count('learner'),
          assessors: await count('assessor'),
          rubrics: await count('rubric'),
          assessments: await count('assessment'),
          drafts: await count('assessment', 'draft'),
        },
      }
    },

    'system.init': async ({ organization: input, passphrase: given }, call) => {
      if (await getOrganization()) {
        throw new TesseraError(
          'conflict',
          'This database is already set up; change the organization in Settings instead',
        )
      }
      // The issuer keys are made with the organization: asked for and sealed before the
      // transaction opens, stored in it, so setup leaves either both or neither.
      const passphrase = given !== undefined ? checkNewPassphrase(given) : await askNewPassphrase(ctx)
      const keys = await prepareIssuerKeys(ctx, passphrase)
      const now = isoNow(ctx)
      const id = newId()
      await db.transaction().execute(async (trx) => {
        await trx
          .insertInto('organization')
          .values({
            id,
            device_id: ctx.deviceId,
            created_at: now,
            updated_at: now,
            name: input.name,
            url: input.url,
            email: input.email,
            description: input.description,
            logo: input.logo ? Buffer.from(input.logo.dataBase64, 'base64') : null,
            logo_media_type: input.logo?.mediaType ?? null,
          })
          .execute()
        await appendAudit(trx, ctx, call, {
          action: 'organization.create',
          entityType: 'organization',
          entityId: id,
          details: { name: input.name },
        })
        await insertIssuerKeys(trx, ctx, call, keys, 'init')
      })
      // Held only once the keys exist, so a failed setup leaves no passphrase behind.
      if (given !== undefined) ctx.session?.hold(given)
      return {
        organization: (await getOrganization())!,
        issuer: {
          id: issuerIdOf(keys.keys.ed25519),
          keys: keys.rows.map((k) => ({ kid: k.id, type: k.type, fingerprint: keyFingerprint(k.id) })),
        },
      }
    },

    'system.doctor': async () => {
      const integrity = ctx.database.sqlite.pragma('integrity_check') as { integrity_check: string }[]
      const integrityProblems = integrity.map((r) => r.integrity_check).filter((m) => m !== 'ok')
      const fk = ctx.database.sqlite.pragma('foreign_key_check') as {
        table: string
        rowid: number
        parent: string
      }[]
      const fkProblems = fk.map((r) => `${r.table} row ${r.rowid} points to a missing ${r.parent}`)
      const chain = await verifyAuditChain(db)
      const chainProblems = chain.problems.map(
        (p) => `entry ${p.seq}${p.entryId ? ` (${p.entryId})` : ''}: ${p.problem}`,
      )
      const checks = [
        {
          name: 'integrity',
          ok: integrityProblems.length === 0,
          message: integrityProblems.length
            ? 'SQLite integrity check failed'
            : 'SQLite integrity check passed',
          problems: integrityProblems,
        },
        {
          name: 'foreign-keys',
          ok: fkProblems.length === 0,
          message: fkProblems.length
            ? `${fkProblems.length} broken references`
            : 'every reference points to a record',
          problems: fkProblems,
        },
        {
          name: 'audit-chain',
          ok: chainProblems.length === 0,
          message: chainProblems.length
            ? `the audit log was tampered with (${chainProblems.length} problems)`
            : `${chain.entries} audit entries, chain intact`,
          problems: chainProblems,
        },
      ]
      return { ok: checks.every((c) => c.ok), checks }
    },

    'organization.get': async () => {
      const org = await getOrganization()
      if (!org) throw notFound('Organization', '(not set up yet: run init)')
      return org
    },

    'organization.update': async (input, call) => {
      const org = await getOrganization()
      if (!org) throw notFound('Organization', '(not set up yet: run init)')
      await db.transaction().execute(async (trx) => {
        await trx
          .updateTable('organization')
          .set({
            updated_at: isoNow(ctx),
            name: input.name,
            url: input.url,
            email: input.email,
            description: input.description,
            logo: input.logo ? Buffer.from(input.logo.dataBase64, 'base64') : null,
            logo_media_type: input.logo?.mediaType ?? null,
          })
          .where('id', '=', org.id)
          .execute()
        await appendAudit(trx, ctx, call, {
          action: 'organization.update',
          entityType: 'organization',
          entityId: org.id,
          details: { name: input.name, url: input.url, email: input.email },
        })
      })
      return (await getOrganization())!
    },

    'assessors.list': async ({ includeInactive }) => {
      let q = db.selectFrom('assessor').selectAll().orderBy('name')
      if (!includeInactive) q = q.where('active', '=', 1)
      return (await q.execute()).map((r) => ({
        id: r.id,
        name: r.name,
        email: r.email,
        active: r.active === 1,
      }))
    },

    'assessors.add': async (input, call) => {
      const now = isoNow(ctx)
      const row = {
        id: newId(),
        device_id: ctx.deviceId,
        created_at: now,
        updated_at: now,
        name: input.name,
        email: input.email,
      }
      await db.transaction().execute(async (trx) => {
        await trx.insertInto('assessor').values(row).execute()
        await appendAudit(trx, ctx, call, {
          action: 'assessor.create',
          entityType: 'assessor',
          entityId: row.id,
          details: { name: row.name },
        })
      })
      return { id: row.id, name: row.name, email: row.email, active: true }
    },

    'assessors.findOrCreate': async ({ name }, call) => {
      const existing = await db.selectFrom('assessor').selectAll().where('name', '=', name).executeTakeFirst()
      if (existing)
        return { id: existing.id, name: existing.name, email: existing.email, active: existing.active === 1 }
      const now = isoNow(ctx)
      const row = {
        id: newId(),
        device_id: ctx.deviceId,
        created_at: now,
        updated_at: now,
        name,
        email: null,
      }
      await db.transaction().execute(async (trx) => {
        await trx.insertInto('assessor').values(row).execute()
        await appendAudit(trx, ctx, call, {
          action: 'assessor.create',
          entityType: 'assessor',
          entityId: row.id,
          details: { name },
        })
      })
      return { id: row.id, name, email: null, active: true }
    },
  }
}
