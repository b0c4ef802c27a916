import path from 'node:path';
import { acquireRunLock, type ProcessAlive, type RunLock } from '../common/run-lock.ts';

export const lockFileName = '.dbops-backup.lock';

/** Takes the backup directory's lock, so a backup and a restore (or two backups) never overlap. */
export function acquireBackupLock(directory: string, command: string, alive?: ProcessAlive): RunLock {
  return acquireRunLock(path.join(directory, lockFileName), `the backups in ${directory}`, command, alive);
}
