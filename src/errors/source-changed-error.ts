import { DbopsError } from './dbops-error.ts';
import { ExitCode } from './exit-codes.ts';

/**
 * The SQLite file changed after the copy's snapshot: another process wrote to it while the api was
 * stopped. Switching now would leave those rows behind, so the run stops (exit 8).
 */
export class SourceChangedError extends DbopsError {
  constructor(
    readonly sqlitePath: string,
    /** How writers were handled: held off (rollback journal) or watched (WAL). */
    readonly writers: string,
    readonly changes: readonly string[],
  ) {
    super(
      `The SQLite file ${sqlitePath} changed during the migration (${writers}):\n${changes.map((line) => `  ${line}`).join('\n')}\n` +
        'Another process wrote to it after the api stopped (a worker, a cron job, a second api instance). ' +
        'Stop every process that writes to it, then run dbops migrate again.',
      { exitCode: ExitCode.verification },
    );
  }
}
