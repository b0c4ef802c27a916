import path from 'node:path';
import { InvalidArgumentError, Option, type Command } from 'commander';
import type { ContainerPostgres } from '../backup/container-postgres.ts';
import type { Config } from '../config/config.ts';
import type { ComposeStack } from '../docker/compose-stack.ts';
import { InputError } from '../errors/input-error.ts';
import type { BackupContext } from '../tasks/backup-tasks.ts';
import type { RestoreContext } from '../tasks/restore-tasks.ts';
import type { CliContext } from './cli-context.ts';
import { confirm } from './confirm.ts';
import { envOption } from './stack-commands.ts';

/** The backup implementation, imported when a backup command runs rather than at every start-up. */
async function backupModules() {
  const modules = await Promise.all([
    import('../backup/backup-lock.ts'),
    import('../common/run-lock.ts'),
    import('../backup/backup-run.ts'),
    import('../backup/backup-errors.ts'),
    import('../backup/backup-store.ts'),
    import('../backup/compose-api-control.ts'),
    import('../backup/safety-backup.ts'),
    import('../backup/restore-run.ts'),
    import('../backup/table-rows.ts'),
    import('../tasks/backup-tasks.ts'),
    import('../tasks/restore-tasks.ts'),
    import('./run-tasks.ts'),
  ]);
  return Object.assign({}, ...modules) as UnionToIntersection<(typeof modules)[number]>;
}
type UnionToIntersection<U> = (U extends unknown ? (u: U) => void : never) extends (i: infer I) => void ? I : never;

const exitCodes = `
Exit codes:
  0  success
  3  configuration error
  4  Docker engine, postgres container or compose unavailable
  5  the api did not become healthy in time
  6  a command failed (pg_dump, pg_restore or psql inside the container)
  7  FILE cannot be restored (missing, not a custom archive, another database, checksum mismatch, truncated)
  8  verification failed (a new backup is not kept; a restored database does not replace the live one)
  9  another backup or restore is running (lock held)
  10 not confirmed (production restore without --yes and without a terminal)`;

/** `backup`, `restore` and `backups`: verified archives of the stack's PostgreSQL, and restores that can be undone. */
export function registerBackupCommands(program: Command, cli: CliContext): void {
  program
    .command('backup')
    .description('back up PostgreSQL (pg_dump -Fc inside its container), verify the archive, then apply retention')
    .addOption(envOption())
    .addOption(new Option('--verify <how>', 'read: pg_restore reads every byte; restore: also restore into a scratch database').choices(['read', 'restore']).default('read'))
    .option('--keep', 'mark this backup so retention never deletes it', false)
    .option('--keep-last <n>', 'retention: keep the newest n verified backups', toCount, 14)
    .option('--keep-days <d>', 'retention: also keep every backup younger than d days', toCount)
    .option('--no-retention', 'do not delete old backups this time')
    .addHelpText('after', exitCodes)
    .action(async (options: { env: string; verify: 'read' | 'restore'; keep: boolean; keepLast: number; keepDays?: number; retention: boolean }) => {
      if (options.keepLast < 1) throw new InputError('--keep-last must be at least 1: the newest backup is always kept.');
      const config = await cli.config(options.env);
      const { BackupStore, acquireBackupLock, newBackupRun, runTasks, backupTasks, formatBytes, totalRows } = await backupModules();
      const { pg } = await openPostgres(cli, config);
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
    });

  program
    .command('restore')
    .description('restore a backup archive into the stack: checked first, safety backup, fresh database swapped in, undone on failure')
    .argument('[file]', 'the archive (a .dump written by dbops backup, or any pg_dump -Fc archive)')
    .addOption(envOption())
    .option('-y, --yes', 'confirm without asking (required for production without a terminal)', false)
    .option('--allow-other-database', 'restore an archive taken from a database with another name', false)
    .option('--keep-old-database', 'keep the replaced database (renamed dbops_replaced_<time>) instead of dropping it', false)
    .addHelpText('after', exitCodes)
    .action(async (file: string | undefined, options: { env: string; yes: boolean; allowOtherDatabase: boolean; keepOldDatabase: boolean }) => {
      if (file === undefined || file === '') {
        throw new InputError('restore needs the archive to restore: dbops restore --env <environment> -- <file> (or make restore FILE=<file>).');
      }
      const archive = path.resolve(file);
      const config = await cli.config(options.env);
      const { checkArchiveFile, acquireStackLock, acquireBackupLock, RestoreRun, composeApiControl, takeBackup, newBackupRun, runTasks, restoreCheckTasks, restoreApplyTasks, totalRows, RestoreFailedError } =
        await backupModules();
      const checkedFile = await checkArchiveFile(archive, config.postgres.database, { allowOtherDatabase: options.allowOtherDatabase });
      const { stack, pg } = await openPostgres(cli, config);
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
    });

  program
    .command('backups')
    .description('list the backups of an environment, newest last')
    .addOption(envOption())
    .action(async (options: { env: string }) => {
      const config = await cli.config(options.env);
      const { BackupStore, totalRows, formatBytes } = await backupModules();
      const backups = await new BackupStore(config.backupDir).list(config.postgres.database);
      if (backups.length === 0) cli.out(`no backups of ${config.postgres.database} in ${config.backupDir}`);
      for (const backup of backups) {
        const manifest = backup.manifest;
        const detail = manifest
          ? `verified (${manifest.verification.method}), ${manifest.tables.length} tables, ${totalRows(manifest.tables)} rows${manifest.keep || backup.keepMarker ? ', keep' : ''}${manifest.reason === 'pre-restore' ? ', safety backup before a restore' : ''}`
          : `no usable manifest${backup.manifestProblem ? ` (${backup.manifestProblem})` : ''}: not verified, never deleted by retention`;
        cli.out(`${backup.file}\t${formatBytes(backup.sizeBytes)}\t${detail}`);
      }
    });
}

async function openPostgres(cli: CliContext, config: Config): Promise<{ stack: ComposeStack; pg: ContainerPostgres }> {
  const stack = await cli.stack(config);
  const { containerPostgres } = await import('../backup/safety-backup.ts');
  return { stack, pg: await containerPostgres(stack) };
}

function toCount(value: string): number {
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed < 0) throw new InvalidArgumentError(`"${value}" is not a whole number of at least 0.`);
  return parsed;
}
