import type { ListrTask } from 'listr2';
import { applyRetention, type RetentionOutcome } from '../backup/apply-retention.ts';
import type { BackupOutcome, BackupRun, Progress } from '../backup/backup-run.ts';
import { formatBytes } from '../common/format-bytes.ts';
import { seconds } from '../common/seconds.ts';
import type { BackupStore } from '../backup/backup-store.ts';
import type { RetentionPolicy } from '../backup/retention.ts';
import { totalRows } from '../stack/table-row-counts.ts';

export interface BackupContext {
  outcome?: BackupOutcome;
  retention?: RetentionOutcome;
}

export interface BackupTaskOptions {
  readonly verify: 'read' | 'restore';
  /** Undefined: retention is not applied. */
  readonly retention: RetentionPolicy | undefined;
  readonly store: BackupStore;
  readonly now: () => Date;
}

/** `dbops backup`: dump, read back, (restore into scratch), keep, then apply retention. */
export function backupTasks(run: BackupRun, options: BackupTaskOptions): ListrTask<BackupContext>[] {
  return [
    {
      title: 'Check the database and pg_dump inside the postgres container',
      task: async (_ctx, task) => {
        const { serverVersion, pgDumpVersion } = await run.prepare();
        task.title = `Database ${run.database} on PostgreSQL ${serverVersion}; ${pgDumpVersion}`;
      },
    },
    {
      title: 'Dump (pg_dump --format=custom inside the container, streamed to a .partial file)',
      task: async (_ctx, task) => {
        const dumped = await run.dump(throttled((text) => (task.output = text)));
        task.title = `Dumped ${formatBytes(dumped.bytes)} (${dumped.tables} tables) in ${seconds(dumped.durationMs)}`;
      },
    },
    {
      title: 'Verify: read the whole archive back with pg_restore and count every table',
      task: async (_ctx, task) => {
        const read = await run.verifyRead(throttled((text) => (task.output = text)));
        task.title = `Verified: ${read.tables.length} tables, ${totalRows(read.tables)} rows read back in ${seconds(read.durationMs)}`;
      },
    },
    {
      title: 'Verify: restore into a scratch database and compare row counts',
      enabled: () => options.verify === 'restore',
      task: async (_ctx, task) => {
        const restored = await run.verifyRestore(throttled((text) => (task.output = text)));
        task.title = `Verified by a scratch restore in ${seconds(restored.durationMs)} (scratch database dropped)`;
      },
    },
    {
      title: 'Keep the verified archive and write its manifest',
      task: async (ctx, task) => {
        ctx.outcome = await run.commit();
        task.title = `Backup: ${ctx.outcome.archive}`;
      },
    },
    {
      title: 'Apply retention',
      enabled: () => options.retention !== undefined,
      task: async (ctx, task) => {
        ctx.retention = await applyRetention(options.store, run.database, options.retention!, options.now());
        task.title = `Retention: ${ctx.retention.keep.length} kept, ${ctx.retention.remove.length} deleted`;
      },
    },
  ];
}

/** Calls `report` at most every `ms` milliseconds, so progress does not flood the renderer. */
export function throttled(report: Progress, ms = 250): Progress {
  let last = 0;
  return (text) => {
    const now = Date.now();
    if (now - last < ms) return;
    last = now;
    report(text);
  };
}
