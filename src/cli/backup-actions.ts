import path from 'node:path';
import { takeBackup } from '../backup/backup-run.ts';
import { formatBytes } from '../common/format-bytes.ts';
import { BackupStore } from '../backup/backup-store.ts';
import { checkArchiveFile, RestoreRun } from '../backup/restore-run.ts';
import { newBackupRun } from '../backup/safety-backup.ts';
import type { Config } from '../config/config.ts';
import { stackApiControl } from '../stack/api-control.ts';
import { totalRows } from '../stack/table-row-counts.ts';
import { backupTasks, type BackupContext } from '../tasks/backup-tasks.ts';
import { restoreApplyTasks, restoreCheckTasks, type RestoreContext } from '../tasks/restore-tasks.ts';
import type { CliContext } from './cli-context.ts';
import { runCommand } from './run-command.ts';
import { runReadOnly } from './run-read-only.ts';

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
  await runCommand(cli, {
    name: 'backup',
    config,
    yes: false,
    body: async (scope) => {
      const pg = await (await cli.stack(config)).postgres();
      const store = new BackupStore(config.backupDir);
      const run = newBackupRun(config, pg, { verify: options.verify, keep: options.keep, reason: 'manual' });
      scope.recoverWith(run, `Remove any ${pg.target.database}-*.partial file left in ${config.backupDir}.`);
      const ctx = await scope.tasks<BackupContext>(
        backupTasks(run, {
          verify: options.verify,
          retention: options.retention ? { keepLast: options.keepLast, keepDays: options.keepDays } : undefined,
          store,
          now: () => new Date(),
        }),
        {},
      );
      const outcome = ctx.outcome!;
      cli.out(`backup: ${outcome.archive}`);
      cli.out(`manifest: ${outcome.manifestPath}`);
      cli.out(
        `size ${formatBytes(outcome.manifest.sizeBytes)}, sha256 ${outcome.manifest.sha256}, ${outcome.manifest.tables.length} tables, ` +
          `${totalRows(outcome.manifest.tables)} rows; dump ${(outcome.dumpMs / 1000).toFixed(1)} s, ` +
          `verification (${outcome.manifest.verification.method}) ${(outcome.verifyMs / 1000).toFixed(1)} s`,
      );
      for (const removed of ctx.retention?.remove ?? []) cli.out(`deleted by retention: ${removed}`);
      return {
        archive: outcome.archive,
        manifest: outcome.manifestPath,
        dumpMs: outcome.dumpMs,
        verifyMs: outcome.verifyMs,
        deletedByRetention: ctx.retention?.remove ?? [],
      };
    },
  });
}

export async function runRestore(cli: CliContext, config: Config, file: string, options: RestoreOptions): Promise<void> {
  const archive = path.resolve(file);
  // Read-only and on this machine alone: a wrong path fails before Docker or a lock is touched.
  const checkedFile = await checkArchiveFile(archive, config.postgres.database, { allowOtherDatabase: options.allowOtherDatabase });
  await runCommand(cli, {
    name: 'restore',
    config,
    yes: options.yes,
    body: async (scope) => {
      const stack = await cli.stack(config);
      const pg = await stack.postgres();
      const run = new RestoreRun(
        {
          pg,
          api: stackApiControl(stack),
          // The restore already holds the backup lock, so its safety backup runs under it.
          safetyBackup: (progress) => takeBackup(newBackupRun(config, pg, { verify: 'read', keep: false, reason: 'pre-restore' }), progress, 'read'),
        },
        { file: archive, allowOtherDatabase: options.allowOtherDatabase, keepOldDatabase: options.keepOldDatabase },
      );
      const ctx = await scope.tasks<RestoreContext>(restoreCheckTasks(run, checkedFile), {});
      await scope.confirmProduction(
        `This replaces the production database ${config.postgres.database} of ${config.composeProject} with ${archive} ` +
          `(${ctx.check?.tables.length ?? 0} tables, ${totalRows(ctx.check?.tables ?? [])} rows); a safety backup is taken first.`,
      );
      scope.recoverWith(
        run,
        `Inspect the databases with \`docker exec ${pg.target.containerName} psql -U ${config.postgres.user} -l\`: the previous database is ` +
          `either ${config.postgres.database} or the one named dbops_replaced_<time>; the safety backup is in ${config.backupDir}.`,
      );
      await scope.tasks<RestoreContext>(restoreApplyTasks(run), ctx);
      cli.out(`restored: ${archive} into ${config.postgres.database}`);
      if (ctx.safety) cli.out(`safety backup: ${ctx.safety.archive}`);
      if (ctx.keptOld) cli.out(`previous database kept as: ${ctx.keptOld}`);
      return {
        archive,
        database: config.postgres.database,
        safetyBackup: ctx.safety?.archive ?? null,
        keptOld: ctx.keptOld ?? null,
        tables: ctx.check?.tables ?? [],
      };
    },
  });
}

export async function listBackups(cli: CliContext, config: Config): Promise<void> {
  await runReadOnly('backups', cli.tasks.interruption, async () => {
    const backups = await new BackupStore(config.backupDir).list(config.postgres.database);
    if (backups.length === 0) cli.out(`no backups of ${config.postgres.database} in ${config.backupDir}`);
    for (const backup of backups) {
      const manifest = backup.manifest;
      const detail = manifest
        ? `verified (${manifest.verification.method}), ${manifest.tables.length} tables, ${totalRows(manifest.tables)} rows` +
          `${manifest.keep || backup.keepMarker ? ', keep' : ''}${manifest.reason === 'pre-restore' ? ', safety backup before a restore' : ''}`
        : `no usable manifest${backup.manifestProblem ? ` (${backup.manifestProblem})` : ''}: not verified, never deleted by retention`;
      cli.out(`${backup.file}\t${formatBytes(backup.sizeBytes)}\t${detail}`);
    }
  });
}
