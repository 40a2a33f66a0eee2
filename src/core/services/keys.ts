import { TesseraError } from '../../contract/errors'
import type { keysOps } from '../../contract/ops/credentials'
import { issuerIdOf } from '../crypto/keys'
import { appendAudit } from './audit'
import { isoNow, type ServiceContext } from './context'
import type { FeatureHandlers } from './handlers'
import {
  activeKeyRows,
  askNewPassphrase,
  checkPassphrase,
  insertIssuerKeys,
  keyFingerprint,
  prepareIssuerKeys,
  toIssuerKeyInfo,
  toTrustedKeyInfo,
  trustedIssuers,
} from './issuer-keys'
import { buildPublicKeysDocument, readPublicKeysDocument } from './public-keys-document'
import { holdForeignStatusList, ownedLists, signOwnedList } from './status-lists'

export function keysHandlers(ctx: ServiceContext): FeatureHandlers<typeof keysOps> {
  const { db } = ctx

  return {
    'keys.list': async () => {
      const keys = await db
        .selectFrom('issuer_key')
        .selectAll()
        .orderBy('created_at', 'desc')
        .orderBy('type')
        .execute()
      const trusted = await db
        .selectFrom('trusted_key')
        .selectAll()
        .orderBy('owner_name')
        .orderBy('created_at')
        .execute()
      const active = await activeKeyRows(db)
      return {
        currentIssuerId: active?.ed25519.issuer_id ?? null,
        keys: keys.map(toIssuerKeyInfo),
        trusted: trusted.map(toTrustedKeyInfo),
      }
    },

    'keys.rotate': async ({ reason }, call) => {
      const current = await activeKeyRows(db)
      // The new keys are sealed with the passphrase that opens the current ones, so one passphrase
      // keeps opening every key; with no keys yet (a database set up before keys existed) a new one is chosen.
      const passphrase = current ? await ctx.secrets.passphrase('unlock') : await askNewPassphrase(ctx)
      if (current) await checkPassphrase(ctx, passphrase)
      const prepared = await prepareIssuerKeys(ctx, passphrase)
      const now = isoNow(ctx)
      const retired = current ? [current.ed25519.id, current.p256.id] : []
      await db.transaction().execute(async (trx) => {
        for (const kid of retired) {
          await trx
            .updateTable('issuer_key')
            .set({ retired_at: now, updated_at: now })
            .where('id', '=', kid)
            .execute()
          await appendAudit(trx, ctx, call, {
            action: 'key.retire',
            entityType: 'issuer_key',
            entityId: kid,
            details: {
              fingerprint: keyFingerprint(kid),
              replacedBy: issuerIdOf(prepared.keys.ed25519),
              ...(reason ? { reason } : {}),
            },
          })
        }
        await insertIssuerKeys(trx, ctx, call, prepared, 'rotate')
        // Status lists are re-signed by the new key at once, so a list never needs a retired key again.
        for (const list of await ownedLists(trx)) await signOwnedList(trx, ctx, list, prepared.keys.ed25519)
      })
      const rows = await db
        .selectFrom('issuer_key')
        .selectAll()
        .where('id', 'in', [prepared.keys.ed25519.kid, prepared.keys.p256.kid])
        .execute()
      return { issuerId: issuerIdOf(prepared.keys.ed25519), keys: rows.map(toIssuerKeyInfo), retired }
    },

    'keys.exportPublic': async () => {
      const document = await buildPublicKeysDocument(db, ctx.now())
      const slug = document.organization.name
        .normalize('NFKD')
        .replace(/[^\p{L}\p{N}]+/gu, '-')
        .replace(/^-+|-+$/g, '')
        .toLowerCase()
      return { fileName: `${slug || 'organization'}.public-keys.json`, document }
    },

    'keys.importPublic': async ({ document }, call) => {
      const { doc, keys } = await readPublicKeysDocument(document)
      const own = new Set(
        (await db.selectFrom('issuer_key').select('issuer_id').execute()).map((r) => r.issuer_id),
      )
      if (keys.every((k) => own.has(k.issuerId))) {
        throw new TesseraError(
          'conflict',
          `These are this organization's own keys (${doc.organization.name}); they are trusted already`,
        )
      }
      const now = isoNow(ctx)
      const importedIds: string[] = []
      let unchanged = 0
      let statusLists = 0
      await db.transaction().execute(async (trx) => {
        for (const k of keys) {
          if (own.has(k.issuerId)) continue
          const held = await trx
            .selectFrom('trusted_key')
            .selectAll()
            .where('id', '=', k.kid)
            .executeTakeFirst()
          if (held) {
            if (
              held.owner_name === doc.organization.name &&
              held.retired_at === k.retiredAt &&
              held.owner_url === (doc.organization.url ?? null)
            ) {
              unchanged++
              continue
            }
            await trx
              .updateTable('trusted_key')
              .set({
                owner_name: doc.organization.name,
                owner_url: doc.organization.url ?? null,
                retired_at: k.retiredAt,
                updated_at: now,
                imported_at: now,
              })
              .where('id', '=', k.kid)
              .execute()
          } else {
            await trx
              .insertInto('trusted_key')
              .values({
                id: k.kid,
                device_id: ctx.deviceId,
                created_at: now,
                updated_at: now,
                owner_name: doc.organization.name,
                owner_url: doc.organization.url ?? null,
                issuer_id: k.issuerId,
                type: k.type,
                public_jwk: JSON.stringify(k.publicJwk),
                retired_at: k.retiredAt,
                imported_at: now,
              })
              .execute()
          }
          importedIds.push(k.kid)
          await appendAudit(trx, ctx, call, {
            action: 'key.import',
            entityType: 'trusted_key',
            entityId: k.kid,
            details: {
              owner: doc.organization.name,
              issuerId: k.issuerId,
              type: k.type,
              fingerprint: keyFingerprint(k.kid),
            },
          })
        }
        const trustedIds = new Set((await trustedIssuers(trx)).map((t) => t.id))
        for (const list of doc.statusLists) {
          const issuer = typeof list.issuer === 'string' ? list.issuer : undefined
          if (issuer && own.has(issuer)) continue
          await holdForeignStatusList(trx, ctx, list, trustedIds)
          statusLists++
        }
      })
      const imported = importedIds.length
        ? await db.selectFrom('trusted_key').selectAll().where('id', 'in', importedIds).execute()
        : []
      return {
        organization: doc.organization.name,
        imported: imported.map(toTrustedKeyInfo),
        unchanged,
        statusLists,
      }
    },
  }
}
