import type { PublicKeysDocument } from './public-keys-document'

/**
 * The offline verifier kit: ONE self-contained HTML file an employer can open from a USB stick
 * (file://, no server, no network). It holds the bundled verifier (src/core/verify), this
 * organization's public keys and its latest signed status lists, and checks a badge file (picked
 * or dropped: .json, .jwt, baked .png/.svg) or typed/scanned text (QR token, JWT, JSON).
 *
 * Its Content-Security-Policy forbids every network request (default-src 'none'), so the page
 * cannot leak what it checks, and credential content is only ever shown through textContent.
 */

export const VERIFIER_KIT_FILE = 'tessera-verifier.html'

/** JSON that is safe inside a <script> element (no "</script", no HTML comment openers). */
const scriptJson = (value: unknown): string =>
  JSON.stringify(value).replace(/</g, '\\u003c').replace(/>/g, '\\u003e').replace(/&/g, '\\u0026')

const scriptText = (js: string): string => js.replace(/<\/(script)/gi, '<\\/$1').replace(/<!--/g, '<\\!--')

const escapeHtml = (s: string): string =>
  s.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c,
  )

const CSP = [
  "default-src 'none'",
  "script-src 'unsafe-inline'",
  "style-src 'unsafe-inline'",
  'img-src data: blob:',
  "base-uri 'none'",
  "form-action 'none'",
].join('; ')

export function verifierKitHtml(opts: {
  bundle: string
  trust: PublicKeysDocument
  generatedAt: string
}): string {
  const org = escapeHtml(opts.trust.organization.name)
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${CSP}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>${org}: credential verifier (offline)</title>
<style>
  :root { color-scheme: light; --ink: #111; --muted: #555; --ok: #0b6b2f; --bad: #a11212; --warn: #7a5200; --line: #ccc; }
  * { box-sizing: border-box; }
  body { font: 16px/1.5 system-ui, "Segoe UI", Roboto, "Noto Sans", sans-serif; color: var(--ink); margin: 0 auto; max-width: 860px; padding: 1.5rem; }
  h1 { font-size: 1.5rem; margin: 0 0 .25rem; }
  .lead { color: var(--muted); margin-top: 0; }
  #drop { border: 2px dashed var(--line); border-radius: 8px; padding: 1.25rem; text-align: center; margin: 1rem 0; }
  #drop.over { border-color: #1c2f4f; background: #eef2f8; }
  label { font-weight: 600; display: block; margin: .75rem 0 .25rem; }
  textarea, input[type=email] { width: 100%; font: inherit; padding: .5rem; border: 1px solid #888; border-radius: 4px; }
  textarea { min-height: 5rem; font-family: ui-monospace, monospace; font-size: .85rem; }
  button { font: inherit; padding: .5rem 1rem; margin-top: .5rem; border-radius: 4px; border: 1px solid #1c2f4f; background: #1c2f4f; color: #fff; cursor: pointer; }
  button:focus-visible, input:focus-visible, textarea:focus-visible, #drop:focus-visible { outline: 3px solid #f5a623; outline-offset: 2px; }
  .result { border: 1px solid var(--line); border-left-width: 8px; border-radius: 6px; padding: .75rem 1rem; margin: 1rem 0; }
  .result[data-verified="true"] { border-left-color: var(--ok); }
  .result[data-verified="false"] { border-left-color: var(--bad); }
  .result h2 { font-size: 1.2rem; margin: 0 0 .5rem; }
  .verdict-true { color: var(--ok); } .verdict-false { color: var(--bad); }
  dl { display: grid; grid-template-columns: max-content 1fr; gap: .15rem 1rem; margin: .5rem 0; }
  dt { color: var(--muted); } dd { margin: 0; overflow-wrap: anywhere; }
  ul.checks { list-style: none; padding: 0; margin: .5rem 0 0; }
  ul.checks li { padding: .3rem 0; border-top: 1px solid #eee; display: grid; grid-template-columns: 6rem 5.5rem minmax(0, 1fr); gap: .5rem; }
  ul.checks .message { overflow-wrap: anywhere; }
  .status { font-weight: 700; text-transform: uppercase; font-size: .8rem; }
  [data-status="passed"] .status { color: var(--ok); } [data-status="failed"] .status { color: var(--bad); }
  [data-status="warning"] .status { color: var(--warn); } [data-status="skipped"] .status { color: var(--muted); }
  .name { font-weight: 600; }
  footer { margin-top: 2rem; color: var(--muted); font-size: .85rem; border-top: 1px solid var(--line); padding-top: .75rem; }
  footer code { overflow-wrap: anywhere; }
</style>
</head>
<body>
<main>
<h1>${org}: credential verifier</h1>
<p class="lead">Checks Open Badges issued by ${org} on this computer. It works offline and sends nothing anywhere.</p>

<div id="drop" tabindex="0" aria-describedby="drop-help">
  <p id="drop-help">Drop badge files here (.json, .jwt, .png, .svg), or choose them:</p>
  <label for="file" style="display:inline">Badge files</label>
  <input type="file" id="file" multiple accept=".json,.jwt,.jws,.png,.svg,application/json,image/png,image/svg+xml">
</div>

<label for="text">Or paste or scan the text of a certificate's QR code (or a JWT / JSON credential)</label>
<textarea id="text" spellcheck="false" autocomplete="off"></textarea>
<button type="button" id="verify-text">Verify text</button>

<label for="email">Recipient email (optional: checks the badge was issued to this address)</label>
<input type="email" id="email" autocomplete="off">

<section id="results" aria-live="polite" aria-label="Results"></section>
</main>
<footer>
  <p>Trusted issuer keys of ${org} and the revocation lists in this file were exported on ${escapeHtml(opts.generatedAt)}.
  A revocation after that date is not known to this file: ask ${org} for a new verifier, or verify with Tessera.</p>
  <div id="trust-summary"></div>
  <p>Includes jsonld.js (BSD-3-Clause, Digital Bazaar), jose (MIT, Filip Skokan), noble-curves / noble-hashes / scure-base (MIT, Paul Miller), Ajv-generated code (MIT).</p>
</footer>
<script type="application/json" id="tessera-trust">${scriptJson(opts.trust)}</script>
<script>${scriptText(opts.bundle)}</script>
<script>${scriptText(KIT_SCRIPT)}</script>
</body>
</html>
`
}

/** The page's own logic (plain browser JavaScript, runs after the bundle defined TesseraVerifier). */
const KIT_SCRIPT = String.raw`
(function () {
  'use strict';
  var trust = JSON.parse(document.getElementById('tessera-trust').textContent);
  var trustedIssuers = (trust.issuers || []).map(function (i) {
    return { id: i.id, name: i.name || trust.organization.name, source: 'imported',
             publicJwks: i.keys.map(function (k) { return k.publicJwk; }) };
  });
  var statusLists = (trust.statusLists || []).map(function (l) { return { url: l.id, credential: l }; });
  var results = document.getElementById('results');

  function el(tag, attrs, text) {
    var e = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) { e.setAttribute(k, attrs[k]); });
    if (text !== undefined) e.textContent = text;
    return e;
  }
  function str(v) { return typeof v === 'string' ? v : ''; }

  function show(source, report) {
    var box = el('article', { 'class': 'result', 'data-verified': String(report.verified), 'data-source': source });
    var h = el('h2', { 'class': 'verdict-' + report.verified });
    h.textContent = (report.verified ? '\u2714 Verified' : '\u2718 Not verified') + ': ' + source;
    box.appendChild(h);
    var dl = el('dl');
    function row(k, v) { if (v) { dl.appendChild(el('dt', {}, k)); dl.appendChild(el('dd', {}, v)); } }
    var c = report.credential || {};
    var s = c.credentialSubject || {};
    var q = report.qrToken;
    row('Learner', q ? q.learnerName : str(s.name));
    row('Achievement', q ? q.achievementName : str((s.achievement || {}).name));
    row('Issuer', report.issuer ? (report.issuer.name ? report.issuer.name + ' (' + report.issuer.id + ')' : report.issuer.id) : '');
    row(q ? 'Awarded on' : 'Valid from', q ? q.date : str(c.validFrom));
    row('Valid until', str(c.validUntil));
    row('Credential', q ? q.credentialId : str(c.id));
    box.appendChild(dl);
    var ul = el('ul', { 'class': 'checks' });
    report.checks.forEach(function (check) {
      var li = el('li', { 'data-check': check.name, 'data-status': check.status });
      li.appendChild(el('span', { 'class': 'name' }, check.name));
      li.appendChild(el('span', { 'class': 'status' }, check.status));
      li.appendChild(el('span', { 'class': 'message' }, check.message));
      ul.appendChild(li);
    });
    box.appendChild(ul);
    results.insertBefore(box, results.firstChild);
  }

  function verify(source, input) {
    var email = document.getElementById('email').value.trim();
    var options = { trustedIssuers: trustedIssuers, statusLists: statusLists };
    if (email) options.recipientEmail = email;
    return TesseraVerifier.verifyCredential(input, options).then(function (report) { show(source, report); },
      function (e) { show(source, { verified: false, checks: [{ name: 'format', status: 'failed', message: String(e && e.message || e) }] }); });
  }

  function verifyFiles(files) {
    Array.prototype.forEach.call(files, function (f) {
      f.arrayBuffer().then(function (buf) { return verify(f.name, new Uint8Array(buf)); });
    });
  }

  document.getElementById('file').addEventListener('change', function (e) { verifyFiles(e.target.files); e.target.value = ''; });
  document.getElementById('verify-text').addEventListener('click', function () {
    var t = document.getElementById('text').value.trim();
    if (t) verify('pasted text', t);
  });
  var drop = document.getElementById('drop');
  ['dragenter', 'dragover'].forEach(function (n) {
    document.addEventListener(n, function (e) { e.preventDefault(); drop.classList.add('over'); });
  });
  ['dragleave', 'drop'].forEach(function (n) {
    document.addEventListener(n, function (e) { e.preventDefault(); drop.classList.remove('over'); });
  });
  document.addEventListener('drop', function (e) { if (e.dataTransfer && e.dataTransfer.files.length) verifyFiles(e.dataTransfer.files); });

  var summary = document.getElementById('trust-summary');
  var ul = el('ul');
  trust.issuers.forEach(function (i) {
    i.keys.forEach(function (k) {
      ul.appendChild(el('li', {}, k.type + ' key ' + k.kid.slice(0, 24).replace(/(.{4})(?=.)/g, '$1 ') +
        (k.retiredAt ? ' (retired ' + k.retiredAt.slice(0, 10) + ')' : '') + ' of ' + i.id));
    });
  });
  summary.appendChild(ul);
  document.body.setAttribute('data-ready', 'true');
})();
`
