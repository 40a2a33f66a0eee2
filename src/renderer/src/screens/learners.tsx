import type { ReactNode } from 'react'
import { PlaceholderScreen } from '../components/placeholder'

/** Learners: not built yet (see the text of `screens.learners.body` in i18n/en.json for what goes here). */
export default function LearnersScreen(): ReactNode {
  return <PlaceholderScreen screen="learners" />
}
