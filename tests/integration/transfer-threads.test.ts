import { readFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { openSqlite } from '../../src/sqlite/sqlite-database.ts';
import { transferPipeline, verifyPipeline } from '../../src/transfer/transfer-phases.ts';
import type { TransferReport } from '../../src/transfer/transfer-report.ts';
import { runCliOn } from '../support/run-cli.ts';
import { columnsOf, freshDatabase, localServerAndDir, query, transfer, verify } from './transfer-fixtures.ts';

/** A larger table (the one a worker thread encodes) beside small ones, with the kinds of values the encoders treat differently. */
function threadsSource(file: string): void {
  const db = openSqlite(file);
  db.exec(
    `
    CREATE TABLE big (id INTEGER PRIMARY KEY, n INTEGER NOT NULL, price REAL, doc JSON, at DATETIME, body TEXT, raw BLOB);
    WITH RECURSIVE seq(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM seq WHERE i < 30000)
      INSERT INTO big SELECT i, i * 3, i / 7.0, json_object('i', i, 'tag', '태그 ' || i), ` +
      `datetime(1700000000 + i, 'unixepoch'), '본문 ' || i || char(9) || 'tab', randomblob(8) FROM seq;
    CREATE TABLE small (k TEXT PRIMARY KEY, v INTEGER);
    INSERT INTO small VALUES ('a', 1), ('b', NULL), ('c', 3);
    CREATE TABLE mixed (id INTEGER PRIMARY KEY, m);
    INSERT INTO mixed VALUES (1, 1), (2, 'two'), (3, 3.5), (4, X'00');
  `,
  );
  db.close();
}

const byTable = (report: TransferReport) =>
  Object.fromEntries(report.tables.map((t) => [t.table, { rows: t.rows, digest: t.sourceDigest, encodedIn: t.encodedIn }]));

describe('the worker threads can be turned off, and the tables come out the same', () => {
  const local = localServerAndDir('dbops-threads-');
  let file: string;

  beforeAll(() => {
    file = path.join(local.dir, 'threads.db');
    threadsSource(file);
  });

  it('by default every table is encoded on the main thread, byte for byte as with the threads (--encoder-thread, --reader-thread)', async () => {
    const withThreads = await freshDatabase(local.server, 'with_threads');
    const without = await freshDatabase(local.server, 'without_threads');
    const on = await transfer({ sqlitePath: file, postgres: { url: withThreads }, encoderThread: true, readerThread: true });
    const off = await transfer({ sqlitePath: file, postgres: { url: without } });
    for (const report of [on, off]) {
      expect(report.failures).toEqual([]);
      expect(report.verification?.ok).toBe(true);
      expect(report.phases.map((p) => p.name)).toEqual(transferPipeline.phases.map((p) => p.name));
    }
    expect([on.readerThread, off.readerThread]).toEqual([true, false]);
    expect(byTable(on).big?.encodedIn).toBe('worker thread');
    expect(Object.values(byTable(off)).map((t) => t.encodedIn)).toEqual(['main thread', 'main thread', 'main thread']);
    // The same bytes went to PostgreSQL (the digest is over exactly what COPY received), into the same types.
    const sent = (report: TransferReport) => Object.fromEntries(Object.entries(byTable(report)).map(([name, t]) => [name, [t.rows, t.digest]]));
    expect(sent(off)).toEqual(sent(on));
    for (const table of ['big', 'small', 'mixed']) expect(await columnsOf(without, table)).toEqual(await columnsOf(withThreads, table));
    const sample = 'SELECT id, n, price, doc::text, at, body, raw FROM big WHERE id IN (1, 7, 29999) ORDER BY id';
    expect(await query(without, sample)).toEqual(await query(withThreads, sample));
    // Each database holds what the other's source holds: verify either against the file.
    const checked = await verify({ sqlitePath: file, postgres: { url: without } });
    expect(checked.ok).toBe(true);
    expect(checked.readerThread).toBe(false);
    expect(checked.phases.map((p) => p.name)).toEqual(verifyPipeline.phases.map((p) => p.name));
  }, 90_000);

  it('the CLI takes the switches, and its report says where each table was encoded', async () => {
    const url = await freshDatabase(local.server, 'cli_threads');
    const reportFile = path.join(local.dir, 'cli-report.json');
    const cli = await runCliOn(url, ['--quiet', 'transfer', '--sqlite', file, '--report', reportFile]);
    expect(cli.stderr).toBe('');
    expect(cli.exitCode).toBe(0);
    const report = JSON.parse(readFileSync(reportFile, 'utf8')) as TransferReport;
    expect(report.readerThread).toBe(false);
    expect(report.tables.map((t) => [t.table, t.encodedIn])).toEqual([
      ['big', 'main thread'],
      ['small', 'main thread'],
      ['mixed', 'main thread'],
    ]);
    const threadedUrl = await freshDatabase(local.server, 'cli_threads_on');
    const threadedFile = path.join(local.dir, 'cli-report-threads.json');
    const threaded = await runCliOn(threadedUrl, ['--quiet', 'transfer', '--sqlite', file, '--encoder-thread', '--reader-thread', '--report', threadedFile]);
    expect(threaded.exitCode, threaded.stderr).toBe(0);
    const threadedReport = JSON.parse(readFileSync(threadedFile, 'utf8')) as TransferReport;
    expect(threadedReport.readerThread).toBe(true);
    expect(threadedReport.tables.find((t) => t.table === 'big')?.encodedIn).toBe('worker thread');
  }, 90_000);
});
