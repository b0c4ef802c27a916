import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectPg } from '../../src/postgres/pg-connection.ts';
import type { PostgresConnection } from '../../src/postgres/postgres-connection.ts';
import { freshDatabase, localServerAndDir } from './transfer-fixtures.ts';

/** The COPY text as pg-copy-streams delivers it: what copyOut must equal. */
async function viaStream(connection: PostgresConnection, sql: string): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of connection.copyTo(sql)) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

async function viaCopyOut(connection: PostgresConnection, sql: string): Promise<{ bytes: Buffer; rows: number; pieces: number }> {
  const chunks: Buffer[] = [];
  // Pieces are only valid during the call: keep copies.
  const rows = await connection.copyOut(sql, (bytes) => chunks.push(Buffer.from(bytes)));
  return { bytes: Buffer.concat(chunks), rows, pieces: chunks.length };
}

describe('copyOut: COPY TO STDOUT read off the socket', () => {
  const local = localServerAndDir('dbops-copy-out-');
  let connection: PostgresConnection;

  beforeAll(async () => {
    connection = await connectPg({ url: await freshDatabase(local.server, 'copy_out') });
    await connection.query(`CREATE TABLE t (id int, body text)`);
    // Short rows, rows of exactly the piece size and beyond it (split over many socket reads), escapes and non-ASCII text.
    await connection.query(`INSERT INTO t SELECT i, repeat('한', i % 50) || E'\\t\\n\\\\' FROM generate_series(1, 200000) i`);
    await connection.query(`INSERT INTO t VALUES (-1, repeat('x', 1048575)), (-2, repeat('y', 3000000)), (-3, ''), (-4, NULL)`);
  });
  afterAll(async () => {
    await connection?.close();
  });

  it('hands over exactly the bytes pg-copy-streams reads, in large pieces, and the row count', async () => {
    const sql = 'COPY t TO STDOUT';
    const expected = await viaStream(connection, sql);
    const got = await viaCopyOut(connection, sql);
    expect(got.rows).toBe(200004);
    expect(got.bytes.equals(expected)).toBe(true);
    // About 1 MiB each: not one piece per row.
    expect(got.pieces).toBeLessThan(expected.length / 500_000);
    expect((await connection.query<{ n: string }>('SELECT count(*) AS n FROM t')).rows[0]?.n).toBe('200004');
  }, 60_000);

  it('skips notices sent during the copy', async () => {
    await connection.query(
      `CREATE FUNCTION noisy(i int) RETURNS int LANGUAGE plpgsql AS $$ BEGIN IF i % 1000 = 0 THEN RAISE NOTICE 'row %', i; END IF; RETURN i; END $$`,
    );
    const sql = 'COPY (SELECT noisy(i) FROM generate_series(1, 5000) i) TO STDOUT';
    const got = await viaCopyOut(connection, sql);
    expect(got.rows).toBe(5000);
    expect(got.bytes.equals(await viaStream(connection, sql))).toBe(true);
  });

  it('rejects with the server error, before or during the copy, and leaves the connection usable', async () => {
    await expect(viaCopyOut(connection, 'COPY missing TO STDOUT')).rejects.toThrow(/relation "missing" does not exist/);
    expect((await connection.query<{ one: number }>('SELECT 1 AS one')).rows).toEqual([{ one: 1 }]);
    // Division by zero at row 150,000: after many rows were already sent.
    await expect(viaCopyOut(connection, 'COPY (SELECT 1 / (i - 150000) FROM generate_series(1, 200000) i) TO STDOUT')).rejects.toThrow(/division by zero/);
    expect((await connection.query<{ one: number }>('SELECT 1 AS one')).rows).toEqual([{ one: 1 }]);
    expect((await viaCopyOut(connection, 'COPY (SELECT 1) TO STDOUT')).rows).toBe(1);
  }, 60_000);

  it('rejects, rather than waiting forever, when the server ends the connection during the copy', async () => {
    const doomed = await connectPg({ url: await freshDatabase(local.server, 'copy_out_doomed') });
    const admin = await connectPg({ url: local.server.url });
    try {
      const pid = (await doomed.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0]?.pid;
      let terminating: Promise<unknown> | undefined;
      const copy = doomed.copyOut('COPY (SELECT i, repeat($$x$$, 100) FROM generate_series(1, 50000000) i) TO STDOUT', () => {
        terminating ??= admin.query('SELECT pg_terminate_backend($1)', [pid]);
      });
      await expect(copy).rejects.toThrow();
      await terminating;
    } finally {
      await doomed.close().catch(() => undefined);
      await admin.close();
    }
  }, 60_000);
});
