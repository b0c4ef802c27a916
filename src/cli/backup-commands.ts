import { InvalidArgumentError, Option, type Command } from 'commander';
import { InputError } from '../errors/input-error.ts';
import type { BackupOptions, RestoreOptions } from './backup-actions.ts';
import type { CliContext } from './cli-context.ts';
import { envOption } from './stack-commands.ts';

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
    .addOption(
      new Option('--verify <how>', 'read: pg_restore reads every byte; restore: also restore into a scratch database')
        .choices(['read', 'restore'])
        .default('read'),
    )
    .option('--keep', 'mark this backup so retention never deletes it', false)
    .option('--keep-last <n>', 'retention: keep the newest n verified backups', toCount, 14)
    .option('--keep-days <d>', 'retention: also keep every backup younger than d days', toCount)
    .option('--no-retention', 'do not delete old backups this time')
    .addHelpText('after', exitCodes)
    .action(async (options: { env: string } & BackupOptions) => {
      if (options.keepLast < 1) throw new InputError('--keep-last must be at least 1: the newest backup is always kept.');
      const config = await cli.config(options.env);
      await (await actions()).runBackup(cli, config, options);
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
    .action(async (file: string | undefined, options: { env: string } & RestoreOptions) => {
      if (file === undefined || file === '') {
        throw new InputError('restore needs the archive to restore: dbops restore --env <environment> -- <file> (or make restore FILE=<file>).');
      }
      const config = await cli.config(options.env);
      await (await actions()).runRestore(cli, config, file, options);
    });

  program
    .command('backups')
    .description('list the backups of an environment, newest last')
    .addOption(envOption())
    .action(async (options: { env: string }) => {
      await (await actions()).listBackups(cli, await cli.config(options.env));
    });
}

/** The implementation is imported when a backup command runs rather than at every start-up. */
const actions = () => import('./backup-actions.ts');

function toCount(value: string): number {
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed < 0) throw new InvalidArgumentError(`"${value}" is not a whole number of at least 0.`);
  return parsed;
}
