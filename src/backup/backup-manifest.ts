import { z } from 'zod';

const tableRows = z.object({ schema: z.string(), name: z.string(), rows: z.number().int().nonnegative() });

/** The JSON written beside every archive. Restore trusts an archive only if it matches this. */
export const backupManifestSchema = z.object({
  kind: z.literal('dbops-backup'),
  manifestVersion: z.literal(1),
  dbopsVersion: z.string(),
  file: z.string(),
  environment: z.string(),
  composeProject: z.string(),
  database: z.string(),
  serverVersion: z.string(),
  pgDumpVersion: z.string(),
  archiveFormat: z.string(),
  compression: z.string(),
  sizeBytes: z.number().int().nonnegative(),
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
  startedAt: z.string(),
  endedAt: z.string(),
  /** Rows per table as counted in the archive itself when it was read back in full. */
  tables: z.array(tableRows),
  /** Rows per table in the live database right after the dump (differs only if the api wrote meanwhile). */
  liveTables: z.array(tableRows),
  verification: z.object({ method: z.enum(['read', 'restore']), at: z.string(), durationMs: z.number() }),
  reason: z.enum(['manual', 'pre-restore', 'pre-migrate']),
  keep: z.boolean(),
});

export type BackupManifest = z.infer<typeof backupManifestSchema>;

/** Parses a manifest file's text; the error names what is wrong. */
export function parseManifest(text: string): { ok: true; manifest: BackupManifest } | { ok: false; problem: string } {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    return { ok: false, problem: `it is not JSON (${error instanceof Error ? error.message : String(error)})` };
  }
  const parsed = backupManifestSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return { ok: false, problem: `${issue?.path.join('.') || 'its content'} ${issue?.message ?? 'is invalid'}` };
  }
  return { ok: true, manifest: parsed.data };
}
