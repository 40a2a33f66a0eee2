import type { ReactNode } from 'react'
import { PlaceholderScreen } from '../components/placeholder'

/** Rubrics: not built yet (see the text of `screens.rubrics.body` in i18n/en.json for what goes here). */
export default function RubricsScreen(): ReactNode {
  return <PlaceholderScreen screen="rubrics" />
}
