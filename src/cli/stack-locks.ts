import { acquireBackupLock } from '../backup/backup-lock.ts';
import { acquireStackLock, type RunLock } from '../common/run-lock.ts';
import type { Config } from '../config/config.ts';

/** Every command that runs through run-command, by the name its lock and run record carry. */
export type CommandName = 'migrate' | 'rollback' | 'backup' | 'restore' | 'down --volumes' | 'backups' | 'config';

/**
 * The lock rule, written once. `stack`: the stack's lock, runs/<project>.lock; `backups`: the
 * backup directory's lock, which may be shared by several stacks. Two commands exclude each other
 * exactly when they take a lock in common; read-only commands take none. A safety backup runs
 * inside its command's locks (restore) or takes the backup lock alone (migrate, see safety-backup.ts).
 */
export const lockRule: Readonly<Record<CommandName, { readonly stack: boolean; readonly backups: boolean }>> = Object.freeze({
  migrate: { stack: true, backups: false },
  rollback: { stack: true, backups: false },
  backup: { stack: true, backups: true },
  restore: { stack: true, backups: true },
  'down --volumes': { stack: true, backups: false },
  backups: { stack: false, backups: false },
  config: { stack: false, backups: false },
});

/** Whether `a` and `b` can never run at the same time on the same stack. */
export function excludes(a: CommandName, b: CommandName): boolean {
  return (lockRule[a].stack && lockRule[b].stack) || (lockRule[a].backups && lockRule[b].backups);
}

export function isReadOnly(command: CommandName): boolean {
  return !lockRule[command].stack && !lockRule[command].backups;
}

/** Takes the locks `command` needs, stack first, and gives back one release for all of them. */
export function acquireCommandLocks(command: CommandName, config: Config, projectDir: string): { release(): void } {
  const held: RunLock[] = [];
  const release = () => {
    for (const lock of held.reverse()) lock.release();
  };
  try {
    if (lockRule[command].stack) held.push(acquireStackLock(projectDir, config.composeProject, command));
    if (lockRule[command].backups) held.push(acquireBackupLock(config.backupDir, command));
  } catch (error) {
    release();
    throw error;
  }
  return { release };
}
