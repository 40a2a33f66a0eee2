import type { ReactNode } from 'react'
import { PlaceholderScreen } from '../components/placeholder'

/** Assess: not built yet (see the text of `screens.assess.body` in i18n/en.json for what goes here). */
export default function AssessScreen(): ReactNode {
  return <PlaceholderScreen screen="assess" />
}
