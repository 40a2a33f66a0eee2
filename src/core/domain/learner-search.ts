import { searchTokens } from './names'

/**
 * The text the full-text index holds for a learner (column `learner.search_key`, indexed by FTS5 as
 * `learner_fts`): the folded tokens of the given and family names, the email and the external id.
 *
 * German writers spell "Müller" as "Mueller" when the keyboard has no umlaut; folding gives
 * "muller", so the "ue" spelling is indexed too and both searches find the name.
 */
export function learnerSearchKey(l: {
  givenName: string
  familyName: string
  email: string | null
  externalId: string | null
}): string {
  const tokens = new Set<string>()
  for (const part of [l.givenName, l.familyName, l.email ?? '', l.externalId ?? '']) {
    for (const t of searchTokens(part)) tokens.add(t)
  }
  for (const part of [l.givenName, l.familyName]) {
    if (!/[äöüÄÖÜ]/.test(part)) continue
    const spelled = part.normalize('NFC').replace(/[äöüÄÖÜ]/g, (c) => UMLAUT[c] ?? c)
    for (const t of searchTokens(spelled)) tokens.add(t)
  }
  return [...tokens].join(' ')
}

const UMLAUT: Record<string, string> = { ä: 'ae', ö: 'oe', ü: 'ue', Ä: 'Ae', Ö: 'Oe', Ü: 'Ue' }

/**
 * A user's search text as an FTS5 query: each folded token a quoted prefix term, all required.
 * Tokens are only letters and digits, and are quoted anyway, so no user text (`"`, `*`, `NEAR`,
 * `OR`, `-`, `^`, column filters) can become FTS syntax. Null when the text has no token at all.
 */
export function ftsPrefixQuery(q: string): string | null {
  const tokens = searchTokens(q)
  if (tokens.length === 0) return null
  return tokens.map((t) => `"${t.replace(/"/g, '""')}"*`).join(' AND ')
}
