import { z } from 'zod'
import { defineOps } from '../define'
import { base64, empty } from '../schemas/common'

/**
 * Backups kept in the backups folder beside the database (`<name>-backups/`), listed, inspected,
 * uploaded in pieces and restored by file name. `backup.create` (in sync.ts) writes there when no
 * path is given. A database can be hundreds of MB, so bytes never travel in one message: in browser
 * mode the server is on the same computer (127.0.0.1 only), so the folder is the person's own disk;
 * a backup from elsewhere (a USB stick) is uploaded in chunks that the core appends to a file.
 */

/** A file name inside the backups folder: no folders, no hidden files. */
export const backupName = z
  .string()
  .min(1, 'is required')
  .max(200)
  .regex(/^[\p{L}\p{N}_][\p{L}\p{N}_.-]*$/u, 'must be a file name in the backups folder')

export const backupFileInfo = z.object({
  name: z.string(),
  file: z.string(),
  bytes: z.number(),
  modifiedAt: z.string(),
})
export type BackupFileInfo = z.output<typeof backupFileInfo>

/** Upload pieces: 4 MiB of bytes (about 5.6 MB of base64) stays well under the HTTP body limit. */
export const BACKUP_UPLOAD_CHUNK_BYTES = 4 * 1024 * 1024

export const backupOps = defineOps({
  'backup.list': {
    summary: 'The backups in the backups folder beside the database, newest first',
    readonly: true,
    input: empty,
    output: z.object({ folder: z.string(), backups: z.array(backupFileInfo) }),
  },
  'backup.inspect': {
    summary: 'What a backup holds (organization, counts, schema version, dates), after checking it fully',
    readonly: true,
    input: z.object({ name: backupName }),
    output: backupFileInfo.extend({
      schemaVersion: z.number(),
      organization: z.string().nullable(),
      deviceId: z.string().nullable(),
      /** The latest audit entry: when the data in it last changed. */
      lastChangeAt: z.string().nullable(),
      counts: z.object({
        learners: z.number(),
        rubrics: z.number(),
        assessments: z.number(),
        credentials: z.number(),
      }),
    }),
  },
  'backup.upload': {
    summary: 'Receive a backup file in pieces into the backups folder; the last piece checks it',
    input: z.object({
      uploadId: z.string().regex(/^[A-Za-z0-9-]{8,64}$/, 'must be 8-64 letters, digits or dashes'),
      /** The name the file had on the person's computer (only used to name the copy). */
      fileName: z.string().max(255).default('backup.db'),
      /** Where this piece starts; must be the bytes received so far (a retried piece may repeat). */
      offset: z.number().int().min(0),
      base64: base64.max(Math.ceil(BACKUP_UPLOAD_CHUNK_BYTES / 3) * 4, 'is a piece larger than 4 MiB'),
      done: z.boolean().default(false),
    }),
    output: z.object({ received: z.number(), backup: backupFileInfo.nullable() }),
  },
  'backup.restore': {
    summary:
      'Replace the open database with a backup from the backups folder (checked first; the current one is kept as .bak)',
    input: z.object({ name: backupName }),
    output: z.object({
      restoredFrom: z.string(),
      databaseFile: z.string(),
      previousKeptAs: z.string().nullable(),
      schemaVersion: z.number(),
    }),
  },
})
