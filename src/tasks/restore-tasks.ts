import type { ListrTask } from 'listr2';
import type { ApiHealth } from '../stack/api-health.ts';
import type { BackupOutcome } from '../backup/backup-run.ts';
import type { ArchiveCheck, CheckedFile, RestoreRun } from '../backup/restore-run.ts';
import { totalRows } from '../stack/table-row-counts.ts';
import { throttled } from './backup-tasks.ts';
import { formatBytes } from '../common/format-bytes.ts';
import { seconds } from '../common/seconds.ts';

export interface RestoreContext {
  check?: ArchiveCheck;
  safety?: BackupOutcome;
  retired?: string;
  health?: ApiHealth;
  keptOld?: string;
}

/** Step 1 of `dbops restore`: everything about the archive, before anything changes. */
export function restoreCheckTasks(run: RestoreRun, file: CheckedFile): ListrTask<RestoreContext>[] {
  return [
    {
      title: 'Check the archive: this server reads its format, and pg_restore reads every byte',
      task: async (ctx, task) => {
        ctx.check = await run.checkArchive(
          file,
          throttled((text) => (task.output = text)),
        );
        const { header, manifest, tables } = ctx.check;
        task.title =
          `Archive of ${header.database ?? '?'} (pg_dump ${header.pgDumpVersion ?? '?'}, format ${header.version}, ${formatBytes(ctx.check.sizeBytes)}): ` +
          `${tables.length} tables, ${totalRows(tables)} rows${manifest ? ', matches its manifest' : ', no manifest'}`;
      },
    },
  ];
}

/** Steps 2 to 5 of `dbops restore`; on failure the caller runs RestoreRun.recover(). */
export function restoreApplyTasks(run: RestoreRun): ListrTask<RestoreContext>[] {
  return [
    {
      title: 'Stop the api and end leftover connections',
      task: async (_ctx, task) => {
        const stopped = await run.stopApi();
        task.title = `${stopped.wasRunning ? 'api stopped' : 'api was not running'}; ${stopped.terminated} leftover connections ended`;
      },
    },
    {
      title: 'Safety backup of the current database',
      task: async (ctx, task) => {
        ctx.safety = await run.safetyBackup(throttled((text) => (task.output = text)));
        task.title = ctx.safety ? `Safety backup: ${ctx.safety.archive}` : `No safety backup: database ${run.database} does not exist yet`;
      },
    },
    {
      title: 'Restore into a fresh database (--no-owner --no-privileges --exit-on-error)',
      task: async (_ctx, task) => {
        const restored = await run.restoreIntoFresh(throttled((text) => (task.output = text)));
        task.title = `Restored into ${restored.database} in ${seconds(restored.durationMs)}`;
      },
    },
    {
      title: 'Check the restored database against the archive',
      task: async (_ctx, task) => {
        const tables = await run.verifyFresh();
        task.title = `Restored database holds the archive's ${tables.length} tables, ${totalRows(tables)} rows`;
      },
    },
    {
      title: 'Swap it in by renaming (the replaced database is kept until the api is healthy)',
      task: async (ctx, task) => {
        ctx.retired = (await run.swap()).retired;
        task.title = ctx.retired ? `Swapped in; the previous database is ${ctx.retired} for now` : 'Swapped in (there was no previous database)';
      },
    },
    {
      title: 'Start the api and wait until it serves the restored data',
      task: async (ctx, task) => {
        ctx.health = await run.startApi();
        task.title = ctx.health ? `api healthy: ${ctx.health.sessions} sessions from ${ctx.health.backend}` : 'api was not running before; not started';
      },
    },
    {
      title: 'ANALYZE, then drop the replaced database',
      task: async (ctx, task) => {
        const finished = await run.finish();
        ctx.keptOld = finished.kept;
        task.title =
          `${finished.analyzed ? 'ANALYZE done' : 'ANALYZE failed (see warnings)'}` +
          `${finished.kept ? `; previous database kept as ${finished.kept}` : ctx.retired ? '; replaced database dropped' : ''}`;
      },
    },
  ];
}
