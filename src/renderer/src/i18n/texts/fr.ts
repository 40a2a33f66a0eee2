import base from '../fr.json'

/** French: the top-level file plus each `fr/<screen>.json` (each keeps its strings under its screen's key). */
const screens = import.meta.glob<{ default: Record<string, unknown> }>('../fr/*.json', { eager: true })
const texts: Record<string, unknown> = Object.assign(
  {},
  base,
  ...Object.values(screens).map((m) => m.default),
)
export default texts
