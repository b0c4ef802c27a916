import path from 'node:path';
import { acquireBackupLock } from '../backup/backup-lock.ts';
import { takeBackup } from '../backup/backup-run.ts';
import { formatBytes } from '../common/format-bytes.ts';
import { RestoreFailedError } from '../backup/backup-errors.ts';
import { BackupStore } from '../backup/backup-store.ts';
import { composeApiControl } from '../backup/compose-api-control.ts';
import { checkArchiveFile, RestoreRun } from '../backup/restore-run.ts';
import { containerPostgres, newBackupRun } from '../backup/safety-backup.ts';
import { totalRows } from '../backup/table-row-counts.ts';
import { acquireStackLock } from '../common/run-lock.ts';
import type { Config } from '../config/config.ts';
import { backupTasks, type BackupContext } from '../tasks/backup-tasks.ts';
import { restoreApplyTasks, restoreCheckTasks, type RestoreContext } from '../tasks/restore-tasks.ts';
import type { CliContext } from './cli-context.ts';
import { confirm } from './confirm.ts';
import { runTasks } from './run-tasks.ts';

/* The bodies of `backup`, `restore` and `backups` (see backup-commands.ts), imported only when one of them runs. */

export interface BackupOptions {
  readonly verify: 'read' | 'restore';
  readonly keep: boolean;
  readonly keepLast: number;
  readonly keepDays?: number;
  readonly retention: boolean;
}

export interface RestoreOptions {
  readonly yes: boolean;
  readonly allowOtherDatabase: boolean;
  readonly keepOldDatabase: boolean;
}

export async function runBackup(cli: CliContext, config: Config, options: BackupOptions): Promise<void> {
  const pg = await containerPostgres(await cli.stack(config));
  const store = new BackupStore(config.backupDir);
  const lock = acquireBackupLock(config.backupDir, 'backup');
  const run = newBackupRun(config, pg, { verify: options.verify, keep: options.keep, reason: 'manual' });
  let ctx: BackupContext;
  try {
    ctx = await runTasks<BackupContext>(
      backupTasks(run, {
        verify: options.verify,
        retention: options.retention ? { keepLast: options.keepLast, keepDays: options.keepDays } : undefined,
        store,
        now: () => new Date(),
      }),
      {},
      cli.tasks,
    );
  } catch (error) {
    await run.abort();
    throw error;
  } finally {
    lock.release();
  }
  const outcome = ctx.outcome!;
  cli.out(`backup: ${outcome.archive}`);
  cli.out(`manifest: ${outcome.manifestPath}`);
  cli.out(
    `size ${formatBytes(outcome.manifest.sizeBytes)}, sha256 ${outcome.manifest.sha256}, ${outcome.manifest.tables.length} tables, ` +
      `${totalRows(outcome.manifest.tables)} rows; dump ${(outcome.dumpMs / 1000).toFixed(1)} s, verification (${outcome.manifest.verification.method}) ${(outcome.verifyMs / 1000).toFixed(1)} s`,
  );
  for (const removed of ctx.retention?.remove ?? []) cli.out(`deleted by retention: ${removed}`);
  for (const warning of outcome.warnings) cli.out(`warning: ${warning}`);
}

export async function runRestore(cli: CliContext, config: Config, file: string, options: RestoreOptions): Promise<void> {
  const archive = path.resolve(file);
  const checkedFile = await checkArchiveFile(archive, config.postgres.database, { allowOtherDatabase: options.allowOtherDatabase });
  const stack = await cli.stack(config);
  const pg = await containerPostgres(stack);
  const stackLock = acquireStackLock(cli.projectDir(), config.composeProject, 'restore');
  const lock = acquireBackupLock(config.backupDir, 'restore');
  const run = new RestoreRun(
    {
      pg,
      api: composeApiControl(stack),
      // The restore already holds the backup lock, so its safety backup runs under it.
      safetyBackup: (progress) => takeBackup(newBackupRun(config, pg, { verify: 'read', keep: false, reason: 'pre-restore' }), progress, 'read'),
    },
    { file: archive, allowOtherDatabase: options.allowOtherDatabase, keepOldDatabase: options.keepOldDatabase },
  );
  try {
    const ctx = await runTasks<RestoreContext>(restoreCheckTasks(run, checkedFile), {}, cli.tasks);
    if (config.environment === 'production') {
      await confirm(
        cli.confirmIo,
        `This replaces the production database ${config.postgres.database} of ${config.composeProject} with ${archive} ` +
          `(${ctx.check?.tables.length ?? 0} tables, ${totalRows(ctx.check?.tables ?? [])} rows); a safety backup is taken first.`,
        options.yes,
      );
    }
    try {
      await runTasks<RestoreContext>(restoreApplyTasks(run), ctx, cli.tasks);
    } catch (error) {
      const recovery = await run.recover().catch(
        (recoveryError: unknown) =>
          `Putting things back ALSO FAILED (${recoveryError instanceof Error ? recoveryError.message : String(recoveryError)}). ` +
          `Inspect the databases with \`docker exec <postgres container> psql -U ${config.postgres.user} -l\`: the previous database is ` +
          `either ${config.postgres.database} or the one named dbops_replaced_<time>; the safety backup is in ${config.backupDir}.`,
      );
      throw new RestoreFailedError(error, recovery);
    }
    cli.out(`restored: ${archive} into ${config.postgres.database}`);
    if (ctx.safety) cli.out(`safety backup: ${ctx.safety.archive}`);
    if (ctx.keptOld) cli.out(`previous database kept as: ${ctx.keptOld}`);
    for (const warning of run.warnings) cli.out(`warning: ${warning}`);
  } finally {
    lock.release();
    stackLock.release();
  }
}

export async function listBackups(cli: CliContext, config: Config): Promise<void> {
  const backups = await new BackupStore(config.backupDir).list(config.postgres.database);
  if (backups.length === 0) cli.out(`no backups of ${config.postgres.database} in ${config.backupDir}`);
  for (const backup of backups) {
    const manifest = backup.manifest;
    const detail = manifest
      ? `verified (${manifest.verification.method}), ${manifest.tables.length} tables, ${totalRows(manifest.tables)} rows${manifest.keep || backup.keepMarker ? ', keep' : ''}${manifest.reason === 'pre-restore' ? ', safety backup before a restore' : ''}`
      : `no usable manifest${backup.manifestProblem ? ` (${backup.manifestProblem})` : ''}: not verified, never deleted by retention`;
    cli.out(`${backup.file}\t${formatBytes(backup.sizeBytes)}\t${detail}`);
  }
}
