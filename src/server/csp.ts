/**
 * The Content-Security-Policy of the app, sent by the Electron `app://` protocol handler, by the
 * browser-mode HTTP server, and written as a <meta> in src/renderer/index.html (a unit test keeps
 * the three identical).
 *
 * No remote code and no inline scripts: scripts, styles, fonts and fetches come from the app's own
 * origin only. Images may be data:/blob: URLs (logo previews, evidence photos); media may be blob:
 * (camera capture); frames only blob: (the in-app PDF certificate preview). Nothing may frame the app,
 * and forms never post anywhere.
 */
export const CSP_DIRECTIVES: ReadonlyArray<readonly [string, ...string[]]> = [
  ['default-src', "'none'"],
  ['script-src', "'self'"],
  ['style-src', "'self'"],
  ['img-src', "'self'", 'data:', 'blob:'],
  ['media-src', "'self'", 'blob:'],
  // The certificate preview: a PDF the app made itself, shown from a blob: URL (never a remote page).
  ['frame-src', 'blob:'],
  ['font-src', "'self'"],
  ['connect-src', "'self'"],
  ['object-src', "'none'"],
  ['base-uri', "'none'"],
  ['form-action', "'none'"],
  ['frame-ancestors', "'none'"],
]

export const CONTENT_SECURITY_POLICY = CSP_DIRECTIVES.map((d) => d.join(' ')).join('; ')

/**
 * The same policy for the <meta> tag of index.html, which cannot carry `frame-ancestors` (browsers
 * ignore it there with a console warning); the header sent with the page still does.
 */
export const CONTENT_SECURITY_POLICY_META = CSP_DIRECTIVES.filter(([name]) => name !== 'frame-ancestors')
  .map((d) => d.join(' '))
  .join('; ')

/** Headers every response of the app carries, whichever transport serves it. */
export function securityHeaders(): Record<string, string> {
  return {
    'content-security-policy': CONTENT_SECURITY_POLICY,
    'x-content-type-options': 'nosniff',
    'referrer-policy': 'no-referrer',
    'x-frame-options': 'DENY',
    'cross-origin-opener-policy': 'same-origin',
    'cross-origin-resource-policy': 'same-origin',
    'permissions-policy': 'camera=(self), microphone=(self), geolocation=(), payment=(), usb=()',
  }
}
