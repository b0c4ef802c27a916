import type { BackupStore } from './backup-store.ts';
import { planRetention, type RetentionPlan, type RetentionPolicy } from './retention.ts';

export interface RetentionOutcome extends RetentionPlan {
  /** Archives without a usable manifest: never deleted automatically, listed so someone looks at them. */
  readonly unmanaged: readonly string[];
}

/**
 * Deletes the backups the policy no longer keeps. Only archives with a manifest take part (a
 * manifest is written only after verification); anything else in the directory is left alone.
 */
export async function applyRetention(store: BackupStore, database: string, policy: RetentionPolicy, now: Date): Promise<RetentionOutcome> {
  const backups = await store.list(database);
  const candidates = backups.flatMap((backup) =>
    backup.manifest ? [{ file: backup.file, endedAt: new Date(backup.manifest.endedAt), verified: true, keep: backup.manifest.keep || backup.keepMarker }] : [],
  );
  const plan = planRetention(candidates, policy, now);
  for (const file of plan.remove) await store.remove(file);
  return { ...plan, unmanaged: backups.filter((backup) => !backup.manifest).map((backup) => backup.file) };
}
