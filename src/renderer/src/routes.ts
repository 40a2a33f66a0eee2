import { lazy, type ComponentType, type LazyExoticComponent } from 'react'
import StartScreen from './screens/start'

export interface Route {
  path: string
  /** i18n key under `nav.` and the icon name. */
  key: 'start' | 'learners' | 'rubrics' | 'assess' | 'credentials' | 'verify' | 'sync' | 'settings'
  component: ComponentType | LazyExoticComponent<ComponentType>
}

/**
 * The screens, in navigation order. Start is in the main bundle (it is the first thing shown);
 * every other screen is its own chunk, loaded the first time it is opened.
 */
export const ROUTES: readonly Route[] = [
  { path: '/start', key: 'start', component: StartScreen },
  { path: '/learners', key: 'learners', component: lazy(() => import('./screens/learners')) },
  { path: '/rubrics', key: 'rubrics', component: lazy(() => import('./screens/rubrics')) },
  { path: '/assess', key: 'assess', component: lazy(() => import('./screens/assess')) },
  { path: '/credentials', key: 'credentials', component: lazy(() => import('./screens/credentials')) },
  { path: '/verify', key: 'verify', component: lazy(() => import('./screens/verify')) },
  { path: '/sync', key: 'sync', component: lazy(() => import('./screens/sync')) },
  { path: '/settings', key: 'settings', component: lazy(() => import('./screens/settings')) },
]

/** The route for a path; unknown paths show Start. */
export const routeFor = (path: string): Route =>
  ROUTES.find((r) => path === r.path || path.startsWith(r.path + '/')) ?? ROUTES[0]!
