import { z } from 'zod'
import { defineOps } from '../define'
import { email, empty, id, imageFile, optionalText, requiredText, url } from '../schemas/common'
import { passphraseInput } from './session'

export const organization = z.object({
  id,
  name: z.string(),
  url: z.string().nullable(),
  email: z.string().nullable(),
  description: z.string().nullable(),
  logo: imageFile.nullable(),
})
export type Organization = z.output<typeof organization>

export const organizationInput = z.object({
  name: requiredText(200),
  url,
  email,
  description: optionalText(2000),
  logo: imageFile.nullish().transform((v) => v ?? null),
})

export const assessor = z.object({
  id,
  name: z.string(),
  email: z.string().nullable(),
  active: z.boolean(),
})
export type Assessor = z.output<typeof assessor>

export const doctorReport = z.object({
  ok: z.boolean(),
  checks: z.array(
    z.object({
      name: z.string(),
      ok: z.boolean(),
      message: z.string(),
      problems: z.array(z.string()),
    }),
  ),
})
export type DoctorReport = z.output<typeof doctorReport>

export const systemOps = defineOps({
  'system.status': {
    summary: 'What this installation is: set up or not, its organization, device id and record counts',
    readonly: true,
    input: empty,
    output: z.object({
      initialized: z.boolean(),
      deviceId: z.string(),
      schemaVersion: z.number(),
      databaseFile: z.string(),
      organization: organization.nullable(),
      counts: z.object({
        learners: z.number(),
        assessors: z.number(),
        rubrics: z.number(),
        assessments: z.number(),
        drafts: z.number(),
      }),
    }),
  },
  'system.init': {
    summary:
      'First-run setup: create the organization (the credential issuer) and its issuer keys, sealed with a new passphrase',
    // The passphrase comes with the one call that seals the keys with it, so a mistyped or too short
    // one is reported with the organization's fields and nothing is held after a failed setup. It is
    // write-only (never returned, audited or echoed in a message). Without it the host's secret
    // provider is asked (TESSERA_PASSPHRASE or a prompt in the CLI).
    input: z.object({ organization: organizationInput, passphrase: passphraseInput.optional() }),
    output: z.object({
      organization,
      /** The issuer id (did:key) credentials are signed as, and the new keys' fingerprints. */
      issuer: z.object({
        id: z.string(),
        keys: z.array(
          z.object({ kid: z.string(), type: z.enum(['Ed25519', 'P-256']), fingerprint: z.string() }),
        ),
      }),
    }),
  },
  'system.doctor': {
    summary: 'Check the database: SQLite integrity, foreign keys and the audit chain',
    readonly: true,
    input: empty,
    output: doctorReport,
  },
  'organization.get': {
    summary: 'The organization that issues credentials',
    readonly: true,
    input: empty,
    output: organization,
  },
  'organization.update': {
    summary: 'Change the organization name, URL, email, description or logo',
    input: organizationInput,
    output: organization,
  },
  'assessors.list': {
    summary: 'Everyone who can score assessments',
    readonly: true,
    input: z.object({ includeInactive: z.boolean().default(false) }).default({ includeInactive: false }),
    output: z.array(assessor),
  },
  'assessors.add': {
    summary: 'Add an assessor',
    input: z.object({ name: requiredText(200), email }),
    output: assessor,
  },
  'assessors.findOrCreate': {
    summary: 'The assessor with this exact name, created if missing (CLI --assessor NAME)',
    input: z.object({ name: requiredText(200) }),
    output: assessor,
  },
})
