import type { ReactNode } from 'react'
import { PlaceholderScreen } from '../components/placeholder'

/** Credentials: not built yet (see the text of `screens.credentials.body` in i18n/en.json for what goes here). */
export default function CredentialsScreen(): ReactNode {
  return <PlaceholderScreen screen="credentials" />
}
