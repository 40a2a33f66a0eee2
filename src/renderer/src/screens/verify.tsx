import type { ReactNode } from 'react'
import { PlaceholderScreen } from '../components/placeholder'

/** Verify: not built yet (see the text of `screens.verify.body` in i18n/en.json for what goes here). */
export default function VerifyScreen(): ReactNode {
  return <PlaceholderScreen screen="verify" />
}
