/**
 * Checks a credential against the official OB 3.0 AchievementCredential JSON Schema (draft 2019-09),
 * precompiled into ob3-schema-validator.generated.ts so no code is compiled at run time (strict CSP).
 *
 * Isomorphic.
 */
import { validate as generatedValidate } from './ob3-schema-validator.generated'

export const OB3_SCHEMA_URL =
  'https://purl.imsglobal.org/spec/ob/v3p0/schema/json/ob_v3p0_achievementcredential_schema.json'

export interface SchemaIssue {
  /** JSON Pointer of the offending value ('' = the credential itself). */
  path: string
  message: string
}

interface AjvError {
  instancePath: string
  message?: string
  keyword: string
  params?: Record<string, unknown>
}

type GeneratedValidator = ((data: unknown) => boolean) & { errors?: AjvError[] | null }

const validateFn = generatedValidate as GeneratedValidator

/** Validates against the official schema; an empty list means valid. */
export function validateOb3Schema(credential: unknown): SchemaIssue[] {
  if (validateFn(credential)) return []
  const seen = new Set<string>()
  const issues: SchemaIssue[] = []
  for (const e of validateFn.errors ?? []) {
    // allErrors reports every failed oneOf/anyOf branch; keep the distinct, readable ones.
    const extra = e.keyword === 'additionalProperties' ? ` (${String(e.params?.additionalProperty)})` : ''
    const issue = { path: e.instancePath, message: `${e.message ?? e.keyword}${extra}` }
    const key = `${issue.path}|${issue.message}`
    if (!seen.has(key)) {
      seen.add(key)
      issues.push(issue)
    }
  }
  return issues
}

export const formatSchemaIssues = (issues: SchemaIssue[], max = 5): string =>
  issues
    .slice(0, max)
    .map((i) => `${i.path || '(credential)'} ${i.message}`)
    .join('; ') + (issues.length > max ? `; and ${issues.length - max} more` : '')
