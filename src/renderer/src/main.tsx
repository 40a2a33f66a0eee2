// First: it sends the request the first screen waits for (and takes the browser-mode token, see below).
import './first-status'
import { StrictMode } from 'react'
import { createRoot } from 'react-dom/client'
import './api'
import { App } from './app'
import { ToastProvider } from './components/toast'
import { UnlockProvider } from './components/unlock-dialog'
import { setupI18n } from './i18n'
import { StatusProvider } from './status'
import './styles.css'

// './api' is imported first: it takes the browser-mode token out of the address bar before the
// hash router reads the hash.
const root = document.getElementById('root')
if (!root) throw new Error('index.html has no #root')
// The first render waits for the texts of the chosen language (a chunk of its own unless English).
void setupI18n().then(() =>
  createRoot(root).render(
    <StrictMode>
      <ToastProvider>
        <StatusProvider>
          <UnlockProvider>
            <App />
          </UnlockProvider>
        </StatusProvider>
      </ToastProvider>
    </StrictMode>,
  ),
)
