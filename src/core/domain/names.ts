/**
 * Names are stored exactly as typed, only normalised to Unicode NFC so that the same name typed on
 * two keyboards (precomposed "ễ" vs "e" + combining marks) is the same string.
 */
export const toNfc = (s: string): string => s.normalize('NFC')

/** Trims and NFC-normalises a free-text field; empty becomes null. */
export function cleanText(s: string | null | undefined): string | null {
  if (s == null) return null
  const t = toNfc(s).trim()
  return t === '' ? null : t
}

/**
 * The case- and accent-insensitive form used for search (SQLite's LOWER() is ASCII-only and
 * better-sqlite3 has no ICU). Decompose, drop combining marks (Latin accents, Arabic harakat,
 * Hebrew niqqud), then lower-case. Letters of scripts without case pass through unchanged.
 */
export function foldForSearch(s: string): string {
  return s
    .normalize('NFKD')
    .replace(/\p{M}+/gu, '')
    .replace(/ß/g, 'ss')
    .replace(/[đĐ]/g, 'd')
    .replace(/[łŁ]/g, 'l')
    .replace(/[øØ]/g, 'o')
    .toLocaleLowerCase('und')
    .normalize('NFC')
}

/** Search tokens: folded words split on anything that is not a letter or digit. */
export const searchTokens = (s: string): string[] =>
  foldForSearch(s)
    .split(/[^\p{L}\p{N}]+/u)
    .filter((t) => t.length > 0)

export const emailKey = (email: string | null | undefined): string | null =>
  email ? email.trim().toLocaleLowerCase('und') || null : null

export const fullName = (given: string, family: string): string => [given, family].filter(Boolean).join(' ')
