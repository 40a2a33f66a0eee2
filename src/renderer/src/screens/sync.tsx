import type { ReactNode } from 'react'
import { PlaceholderScreen } from '../components/placeholder'

/** Sync: not built yet (see the text of `screens.sync.body` in i18n/en.json for what goes here). */
export default function SyncScreen(): ReactNode {
  return <PlaceholderScreen screen="sync" />
}
