/**
 * Largest bundle, receipt or enrollment file the app's UI carries (sync.*Bytes ops). A request body is
 * capped at 40 MB by the HTTP server (src/server/http-handler.ts) and base64 makes bytes 4/3 larger,
 * so 28 MiB (37.4 MiB as base64) leaves room for the JSON around it. Larger bundles go through the
 * CLI (`tessera export` / `tessera import`), or are made without evidence. No zod here: the renderer
 * imports it.
 */
export const SYNC_UI_MAX_BYTES = 28 * 1024 * 1024
