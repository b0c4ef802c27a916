import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { copyRowsExtension } from '../../src/sqlite/copy-rows-extension.ts';
import { openSqlite } from '../../src/sqlite/sqlite-database.ts';
import { readSqliteSchema, type SqliteTable } from '../../src/sqlite/sqlite-schema.ts';
import { encodeTable, type CopyBatch, type EncodeCounts } from '../../src/transfer/copy-batches.ts';
import { encodeTableInWorker } from '../../src/transfer/encode-in-worker.ts';
import type { ValueProblem } from '../../src/transfer/encode-value.ts';
import { describeKey, type RowColumn, type RowOrder } from '../../src/transfer/table-rows.ts';
import { targetType } from '../../src/transfer/target-type.ts';
import { tempDir } from '../support/temp-dir.ts';

const order: RowOrder = { key: ['id'], ordered: true, sortExpressions: ['"id"'] };
const columns: RowColumn[] = [
  { source: 'id', target: 'id', type: targetType('bigint') },
  { source: 'body', target: 'body', type: targetType('text') },
  { source: 'meta', target: 'meta', type: targetType('jsonb') },
];
/** Built by npm ci (sql-copy-text.test.ts fails when it is not). */
const extension = copyRowsExtension();

interface Outcome {
  text: string;
  rows: number;
  counts: EncodeCounts;
  replaced: string[];
  problem?: string;
}

/** Encodes `name` on this thread, or in a worker; collects what the load would see. */
async function encode(file: string, name: string, where: 'here' | 'worker', replaceInvalid = false): Promise<Outcome> {
  const db = openSqlite(file, { readonly: true, mustExist: true });
  db.exec('BEGIN');
  const table = readSqliteSchema(db).tables.find((t) => t.name === name) as SqliteTable;
  const outcome: Outcome = { text: '', rows: 0, counts: { sqlRows: 0, jsRows: 0 }, replaced: [] };
  const chunks: Buffer[] = [];
  const replace = (i: number, p: ValueProblem, row: string) => outcome.replaced.push(`${i} ${p.type} ${row}`);
  const stop = (i: number, p: ValueProblem, row: string): never => {
    throw new Error(`${i} ${p.type} ${row}`);
  };
  try {
    const batches: AsyncIterable<CopyBatch | undefined> | Iterable<CopyBatch> =
      where === 'worker'
        ? encodeTableInWorker(
            { path: file, table, columns, order, utf8: true, replaceInvalid, assumed: false, extension },
            { onReplace: replace, onProblem: stop, counts: outcome.counts },
          )
        : encodeTable({
            db,
            table,
            columns,
            order,
            utf8: true,
            replaceInvalid,
            counts: outcome.counts,
            extension,
            onReplace: (i, p, row) => replace(i, p, describeKey(order, row)),
            onProblem: (problem, row) => stop(problem.columnIndex, problem.problem, describeKey(order, row)),
          });
    for await (const batch of batches) {
      if (batch === undefined) throw new Error('no worker');
      chunks.push(batch.bytes);
      outcome.rows += batch.rows;
    }
  } catch (error) {
    outcome.problem = (error as Error).message;
  } finally {
    db.close();
  }
  outcome.text = Buffer.concat(chunks).toString('utf8');
  return outcome;
}

describe('encoding the largest table in a worker thread', () => {
  let dir: ReturnType<typeof tempDir>;
  let file: string;

  beforeAll(() => {
    dir = tempDir('dbops-worker-');
    file = path.join(dir.path, 'source.db');
    const db = openSqlite(file);
    db.exec('CREATE TABLE clean (id INTEGER PRIMARY KEY, body TEXT, meta JSON); CREATE TABLE bad (id INTEGER PRIMARY KEY, body TEXT, meta JSON);');
    const clean = db.prepare('INSERT INTO clean VALUES (?, ?, ?)');
    const bad = db.prepare('INSERT INTO bad VALUES (?, ?, ?)');
    db.transaction(() => {
      for (let i = 1; i <= 120_000; i += 1)
        clean.run(i, `법률 상담 ${i} tab\there \\N`.repeat(1 + (i % 3)), i % 4 ? JSON.stringify({ b: i, a: [i % 7, 'é'] }) : null);
      for (let i = 1; i <= 30_000; i += 1) bad.run(i, i === 25_000 ? 'nul\0inside' : `row ${i}`, null);
    });
    db.close();
  });
  afterAll(() => dir?.remove());

  it('gives byte for byte the batches this thread gives, through SQLite', async () => {
    const [here, worker] = await Promise.all([encode(file, 'clean', 'here'), encode(file, 'clean', 'worker')]);
    expect(here.problem).toBeUndefined();
    expect(worker.rows).toBe(120_000);
    expect(worker.counts).toEqual(here.counts);
    expect(worker.counts.sqlRows).toBe(120_000);
    expect(worker.text === here.text).toBe(true);
  });

  it('reports a value problem with the same column and row, after the rows before it', async () => {
    const [here, worker] = await Promise.all([encode(file, 'bad', 'here'), encode(file, 'bad', 'worker')]);
    expect(here.problem).toBe('1 nul id=25000');
    expect(worker.problem).toBe(here.problem);
    expect(worker.rows).toBe(here.rows);
  });

  it('lists replaced values under --invalid-text replace, as this thread does', async () => {
    const [here, worker] = await Promise.all([encode(file, 'bad', 'here', true), encode(file, 'bad', 'worker', true)]);
    expect(worker.replaced).toEqual(here.replaced);
    expect(worker.replaced).toHaveLength(1);
    expect(worker.text === here.text).toBe(true);
  });

  it('yields undefined (the caller encodes instead) when the worker cannot open the file', async () => {
    const db = openSqlite(file, { readonly: true });
    const table = readSqliteSchema(db).tables[0] as SqliteTable;
    db.close();
    const first = await encodeTableInWorker(
      { path: path.join(dir.path, 'missing.db'), table, columns, order, utf8: true, replaceInvalid: false, assumed: false, extension },
      {
        onReplace: () => undefined,
        onProblem: () => {
          throw new Error('unexpected');
        },
      },
    ).next();
    expect(first).toEqual({ done: false, value: undefined });
  });
});
