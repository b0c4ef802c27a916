import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { InvalidArgumentError, Option, type Command } from 'commander';
import type { ListrTask } from 'listr2';
import type { ConnectPostgres } from '../postgres/postgres-connection.ts';
import type { TransferContext } from '../tasks/transfer-tasks.ts';
import type { IfExistsMode, InvalidTextMode, TextCollation, TransferOptions } from '../transfer/transfer-options.ts';
import type { IdentifierMode } from '../transfer/identifier-mapper.ts';
import { checkPostgresUrl } from '../postgres/postgres-url.ts';
import type { CliContext } from './cli-context.ts';

interface TransferCommandOptions {
  sqlite: string;
  postgres: string;
  schema: string;
  ifExists: IfExistsMode;
  identifiers: IdentifierMode;
  invalidText: InvalidTextMode;
  collation: TextCollation;
  report?: string;
  tables?: string[];
  excludeTables?: string[];
  verify: boolean;
  parallel: number;
  encoderThread: boolean;
  readerThread: boolean;
}

const list = (value: string): string[] =>
  value
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
const positive = (value: string): number => {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > 16) throw new InvalidArgumentError(`"${value}" is not a whole number from 1 to 16.`);
  return n;
};

/** `transfer` and `verify`: SQLite to PostgreSQL, proven equal. */
export function registerTransferCommands(program: Command, cli: CliContext, connect: ConnectPostgres = cli.connectPostgres): void {
  const common = (command: Command) =>
    command
      .requiredOption('--sqlite <path>', 'the SQLite database file (opened read-only)')
      .requiredOption(
        '--postgres <url>',
        'target, e.g. postgresql://user@127.0.0.1:5432/db; give the password in PGPASSWORD, since process arguments are visible to every user',
      )
      .option('--schema <name>', 'target schema', 'public')
      .addOption(new Option('--identifiers <mode>', 'lower-case names, or keep their case').choices(['lower', 'preserve']).default('lower'))
      .addOption(
        new Option('--invalid-text <mode>', 'text with NUL bytes or invalid UTF-8: refuse the table, load the column as bytea, or replace the bad bytes')
          .choices(['fail', 'bytea', 'replace'])
          .default('fail'),
      )
      .option('--tables <names>', 'only these tables (comma-separated SQLite names)', list)
      .option('--exclude-tables <names>', 'all tables but these (comma-separated)', list)
      .option('--report <file>', 'write the full report as JSON')
      .option('--parallel <n>', 'PostgreSQL connections for loading and index builds', positive, 2)
      .option('--reader-thread', 'run PRAGMA quick_check and the statistics scans in a worker thread beside the planning (measured slower on 2 cores)', false);

  common(program.command('transfer').description('copy a SQLite database into PostgreSQL: schema, rows, keys, indexes, foreign keys, views; then verify'))
    .addOption(
      new Option('--if-exists <mode>', 'when the tables exist: refuse, replace them, or finish an interrupted transfer')
        .choices(['fail', 'truncate', 'resume'])
        .default('fail'),
    )
    .addOption(
      new Option('--collation <mode>', 'text columns compare and sort byte for byte as in SQLite (COLLATE "C"), or by the database\'s collation')
        .choices(['binary', 'database'])
        .default('binary'),
    )
    .option('--no-verify', 'skip the row count and digest comparison (not recommended)')
    .option('--encoder-thread', 'encode the largest table in a worker thread beside the others (measured slower on 2 cores)', false)
    .action(async (options: TransferCommandOptions) => {
      const { transferTasks } = await import('../tasks/transfer-tasks.ts');
      const ctx = await run(cli, transferTasks(toTransferOptions(cli, options), { connect }));
      await finish(cli, ctx, options.report);
    });

  common(program.command('verify').description('compare a finished copy with its SQLite source: row counts and content digests of every table')).action(
    async (options: TransferCommandOptions) => {
      const { verifyTasks } = await import('../tasks/transfer-tasks.ts');
      const ctx = await run(cli, verifyTasks(toTransferOptions(cli, { ...options, ifExists: 'resume', verify: true, encoderThread: false }), { connect }));
      await finish(cli, ctx, options.report);
    },
  );
}

function toTransferOptions(cli: CliContext, options: TransferCommandOptions): TransferOptions {
  checkPostgresUrl(options.postgres, '--postgres');
  if (/^[a-z]+:\/\/[^/@]*:[^/@]*@/i.test(options.postgres)) {
    cli.warn('dbops: warning: --postgres contains a password, which other users of this machine can read in the process list. Set PGPASSWORD instead.');
  }
  return {
    sqlitePath: path.resolve(cli.projectDir(), options.sqlite),
    postgres: { url: options.postgres },
    schema: options.schema,
    ifExists: options.ifExists,
    identifiers: options.identifiers,
    invalidText: options.invalidText,
    collation: options.collation,
    ...(options.tables ? { tables: options.tables } : {}),
    ...(options.excludeTables ? { excludeTables: options.excludeTables } : {}),
    verify: options.verify,
    parallel: options.parallel,
    encoderThread: options.encoderThread,
    readerThread: options.readerThread,
  };
}

async function run(cli: CliContext, tasks: ListrTask<TransferContext>[]): Promise<TransferContext> {
  const { runTasks } = await import('./run-tasks.ts');
  const ctx: TransferContext = {};
  try {
    return await runTasks<TransferContext>(tasks, ctx, cli.tasks);
  } catch (error) {
    await ctx.session?.abort();
    throw error;
  }
}

async function finish(cli: CliContext, ctx: TransferContext, reportFile: string | undefined): Promise<void> {
  const session = ctx.session;
  if (!session) return;
  const [{ formatSummary }, { assertTransferSucceeded }] = await Promise.all([
    import('../transfer/transfer-report.ts'),
    import('../transfer/transfer-database.ts'),
  ]);
  const report = await session.close();
  for (const line of formatSummary(report)) cli.out(line);
  if (reportFile) {
    const file = path.resolve(cli.projectDir(), reportFile);
    writeFileSync(file, `${JSON.stringify(report, null, 2)}\n`);
    cli.out(`Report written to ${file}`);
  }
  assertTransferSucceeded(report);
}
