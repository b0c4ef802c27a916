import type { ListrTask } from 'listr2';
import { seconds } from '../common/seconds.ts';
import type { TransferOptions } from '../transfer/transfer-options.ts';
import { TransferSession, type TransferDeps } from '../transfer/transfer-session.ts';

export interface TransferContext {
  session?: TransferSession;
}

const lastPhase = (session: TransferSession) => session.report.phases[session.report.phases.length - 1]?.durationMs ?? 0;

/** `dbops transfer`: one task per phase of the transfer session. */
export function transferTasks(options: TransferOptions, deps: TransferDeps): ListrTask<TransferContext>[] {
  return [
    {
      title: `Check and read ${options.sqlitePath}`,
      task: async (ctx, task) => {
        ctx.session = await TransferSession.prepare(
          { ...options, onProgress: (p) => (task.output = `${p.table}: ${p.rowsDone}/${p.rowsTotal} rows, ${Math.round(p.rowsPerSecond)} rows/s`) },
          deps,
          'transfer',
        );
        const { plan } = ctx.session;
        task.title = `Planned ${plan.tables.length} table(s), ${plan.tables.reduce((n, t) => n + t.rows, 0)} row(s), ${plan.views.length} view(s) from ${options.sqlitePath}`;
      },
    },
    {
      title: 'Create tables',
      task: async (ctx, task) => {
        const session = ctx.session as TransferSession;
        await session.phase('create', () => session.createTables());
        task.title = `Created tables in schema "${session.options.schema}" (${seconds(lastPhase(session))})`;
      },
    },
    {
      title: 'Copy rows with COPY',
      task: async (ctx, task) => {
        const session = ctx.session as TransferSession;
        await session.phase('load', () => session.loadTables());
        const rows = session.report.tables.reduce((n, t) => n + t.rows, 0);
        task.title = `Copied ${rows} row(s) in ${seconds(lastPhase(session))}`;
      },
    },
    {
      title: 'Add keys, indexes, checks, foreign keys and views',
      task: async (ctx, task) => {
        const session = ctx.session as TransferSession;
        await session.phase('keys and indexes', () => session.finishSchema());
        task.title = `Added keys, indexes, foreign keys and views (${seconds(lastPhase(session))})`;
      },
    },
    {
      title: 'Verify row counts and content digests',
      enabled: () => options.verify !== false,
      task: async (ctx, task) => {
        const session = ctx.session as TransferSession;
        await session.phase('verify', () => session.verify());
        const verification = session.report.verification;
        task.title = verification?.ok ? `Verified every table: equal (${seconds(lastPhase(session))})` : `Verification found ${verification?.mismatches.length ?? 0} table(s) that differ`;
      },
    },
  ];
}

/** `dbops verify`: read both sides and compare. */
export function verifyTasks(options: TransferOptions, deps: TransferDeps): ListrTask<TransferContext>[] {
  return [
    {
      title: `Check and read ${options.sqlitePath}`,
      task: async (ctx, task) => {
        ctx.session = await TransferSession.prepare(options, deps, 'verify');
        task.title = `Read ${ctx.session.plan.tables.length} table(s) from ${options.sqlitePath}`;
      },
    },
    {
      title: 'Compare row counts and content digests',
      task: async (ctx, task) => {
        const session = ctx.session as TransferSession;
        await session.phase('read', () => session.bindExistingTables());
        await session.phase('verify', () => session.verify());
        task.title = session.report.verification?.ok && session.report.failures.length === 0 ? 'Every table is equal' : 'Some tables differ or are missing';
      },
    },
  ];
}
