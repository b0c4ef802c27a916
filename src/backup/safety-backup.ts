import { readFileSync } from 'node:fs';
import type { Config } from '../config/config.ts';
import { acquireBackupLock } from './backup-lock.ts';
import { BackupRun, takeBackup, type BackupOutcome, type BackupRunOptions, type Progress } from './backup-run.ts';
import { BackupStore } from './backup-store.ts';
import type { ContainerPostgres } from '../stack/container-postgres.ts';
import type { StackControl } from '../stack/stack-control.ts';

/** dbops's own version, for manifests. */
export function dbopsVersion(): string {
  const file = new URL('../../package.json', import.meta.url);
  return (JSON.parse(readFileSync(file, 'utf8')) as { version: string }).version;
}

/** A backup run of the configured database into BACKUP_DIR: what every backup, safety backups included, is built from. */
export function newBackupRun(config: Config, pg: ContainerPostgres, options: BackupRunOptions): BackupRun {
  return new BackupRun(
    { pg, store: new BackupStore(config.backupDir), dbopsVersion: dbopsVersion(), environment: config.environment, composeProject: config.composeProject },
    options,
  );
}

/**
 * A verified backup taken before another command changes the database (a migration): same lock,
 * same checks and same manifest as `dbops backup`, retention not applied. `archive` is its path.
 */
export async function takeSafetyBackup(
  stack: StackControl,
  reason: 'pre-migrate' | 'pre-restore' = 'pre-migrate',
  progress: Progress = () => {},
): Promise<BackupOutcome> {
  const { config } = stack;
  const pg = await stack.postgres();
  const lock = acquireBackupLock(config.backupDir, `safety backup (${reason})`);
  try {
    return await takeBackup(newBackupRun(config, pg, { verify: 'read', keep: false, reason }), progress, 'read');
  } finally {
    lock.release();
  }
}
