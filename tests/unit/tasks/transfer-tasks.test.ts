import { describe, expect, it } from 'vitest';
import { transferTasks, verifyTasks } from '../../../src/tasks/transfer-tasks.ts';
import { transferPipeline, verifyPipeline, type TransferPipeline } from '../../../src/transfer/transfer-phases.ts';
import type { TransferReport } from '../../../src/transfer/transfer-report.ts';
import type { TransferOptions } from '../../../src/transfer/transfer-options.ts';

const options: TransferOptions = { sqlitePath: '/data/app.db', postgres: { url: 'postgresql://u@127.0.0.1:5432/db' } };
const deps = { connect: () => Promise.reject(new Error('not connected in this test')) };

describe('the task lists are the phase lists', () => {
  it('transfer: opening the source, then one task per phase, titled as the phase', () => {
    const tasks = transferTasks(options, deps);
    expect(tasks.map((t) => t.title)).toEqual(['Check and read /data/app.db', ...transferPipeline.phases.map((p) => p.title)]);
    expect(tasks.map((t) => t.enabled)).toEqual([undefined, true, true, true, true]);
  });

  it('transfer --no-verify: the verify task is there, and disabled, as the library skips the phase', () => {
    const tasks = transferTasks({ ...options, verify: false }, deps);
    expect(tasks.map((t) => [t.title, t.enabled])).toContainEqual(['Verify row counts and content digests', false]);
  });

  it('verify: opening the source, then finding the tables and comparing them', () => {
    expect(verifyTasks(options, deps).map((t) => t.title)).toEqual(['Check and read /data/app.db', ...verifyPipeline.phases.map((p) => p.title)]);
    expect(verifyPipeline.phases.map((p) => p.name)).toEqual(['read', 'verify']);
  });
});

describe('what each phase says once it ran', () => {
  const report = (over: Partial<TransferReport>): TransferReport => ({
    command: 'transfer',
    source: 's',
    target: 't',
    schema: 'app',
    startedAt: '',
    readerThread: true,
    durationMs: 0,
    phases: [],
    tables: [],
    widenedColumns: [],
    warnings: [],
    untranslatable: [],
    orphans: [],
    replaced: [],
    failures: [],
    verification: null,
    ok: false,
    ...over,
  });
  const table = (rows: number) => ({ table: 'x', target: 'x', sourceRows: rows, rows, status: 'loaded' as const, durationMs: 0, rowsPerSecond: 0 });
  const done = (pipeline: TransferPipeline, name: string, r: TransferReport, ms = 0) => pipeline.phases.find((p) => p.name === name)?.done(r, ms);
  it.each<[string, TransferPipeline, string, TransferReport, number, string]>([
    ['create', transferPipeline, 'create', report({}), 1234, 'Created tables in schema "app" (1.2 s)'],
    ['load', transferPipeline, 'load', report({ tables: [table(7), table(3)] }), 2500, 'Copied 10 row(s) in 2.5 s'],
    ['verify, equal', transferPipeline, 'verify', report({ verification: { ok: true, mismatches: [] } }), 900, 'Verified every table: equal (0.9 s)'],
    [
      'verify, differs',
      transferPipeline,
      'verify',
      report({ verification: { ok: false, mismatches: [{ table: 'x', detail: 'd' }] } }),
      0,
      'Verification found 1 table(s) that differ',
    ],
    ['verify command, equal', verifyPipeline, 'verify', report({ verification: { ok: true, mismatches: [] } }), 0, 'Every table is equal'],
    [
      'verify command, a table missing',
      verifyPipeline,
      'verify',
      report({ verification: { ok: true, mismatches: [] }, failures: [{ table: 'x', problem: 'p', message: 'm' }] }),
      0,
      'Some tables differ or are missing',
    ],
  ])('%s', (_name, pipeline, phase, r, ms, expected) => {
    expect(done(pipeline, phase, r, ms)).toBe(expected);
  });
});
