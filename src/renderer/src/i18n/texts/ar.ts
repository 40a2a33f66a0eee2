import base from '../ar.json'

/** Arabic: the top-level file plus each `ar/<screen>.json` (each keeps its strings under its screen's key). */
const screens = import.meta.glob<{ default: Record<string, unknown> }>('../ar/*.json', { eager: true })
const texts: Record<string, unknown> = Object.assign(
  {},
  base,
  ...Object.values(screens).map((m) => m.default),
)
export default texts
