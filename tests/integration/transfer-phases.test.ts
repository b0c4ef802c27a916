import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { DbopsError } from '../../src/errors/dbops-error.ts';
import { ExitCode } from '../../src/errors/exit-codes.ts';
import { InputError } from '../../src/errors/input-error.ts';
import { connectPg } from '../../src/postgres/pg-connection.ts';
import { openSqlite } from '../../src/sqlite/sqlite-database.ts';
import { bindExistingTables, createTables } from '../../src/transfer/create-tables.ts';
import { finishSchema } from '../../src/transfer/finish-schema.ts';
import { loadTables } from '../../src/transfer/load-tables.ts';
import { openTransfer } from '../../src/transfer/open-transfer.ts';
import type { TransferOptions } from '../../src/transfer/transfer-options.ts';
import { releaseTransfer, type TransferState } from '../../src/transfer/transfer-state.ts';
import { verifyTables } from '../../src/transfer/verify-tables.ts';
import { columnsOf, constraintsOf, freshDatabase, indexesOf, localServerAndDir, query, transfer } from './transfer-fixtures.ts';

/** Parent and child with a foreign key and one orphan, an index, a check, a view, a NUL byte to widen for, and a larger table. */
function phasesSource(file: string): void {
  const db = openSqlite(file);
  db.exec(`
    PRAGMA foreign_keys = OFF;
    CREATE TABLE parent (id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE);
    INSERT INTO parent VALUES (1, 'one'), (2, 'two');
    CREATE TABLE child (id INTEGER PRIMARY KEY, parent_id INTEGER REFERENCES parent (id), qty INTEGER CHECK (qty >= 0), note TEXT);
    CREATE INDEX child_parent ON child (parent_id);
    INSERT INTO child VALUES (1, 1, 5, 'a'), (2, 2, 0, 'b'), (3, 9, 1, 'orphan');
    CREATE TABLE blobby (id INTEGER PRIMARY KEY, body TEXT);
    INSERT INTO blobby VALUES (1, 'plain'), (2, CAST(X'610062' AS TEXT));
    CREATE TABLE big (id INTEGER PRIMARY KEY, n INTEGER NOT NULL, label TEXT);
    WITH RECURSIVE seq(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM seq WHERE i < 5000) INSERT INTO big SELECT i, i * 7, 'row ' || i FROM seq;
    CREATE VIEW child_names AS SELECT c.id, p.name FROM child c JOIN parent p ON p.id = c.parent_id;
  `);
  db.close();
}

describe('the transfer phases, each on its own', () => {
  const local = localServerAndDir('dbops-phases-');
  let file: string;
  let databases = 0;
  const fresh = () => freshDatabase(local.server, `phases_${(databases += 1)}`);
  const options = (url: string, over: Partial<TransferOptions> = {}): TransferOptions => ({
    sqlitePath: file,
    postgres: { url },
    invalidText: 'bytea',
    ...over,
  });

  /** Opens a state, hands it to `use`, and releases it whatever happens. */
  async function withState<T>(command: 'transfer' | 'verify', opts: TransferOptions, use: (state: TransferState) => Promise<T>): Promise<T> {
    const state = await openTransfer(opts, { connect: connectPg }, command);
    try {
      return await use(state);
    } finally {
      await releaseTransfer(state);
    }
  }

  beforeAll(() => {
    file = path.join(local.dir, 'phases.db');
    phasesSource(file);
  });

  it('open: checks the source, plans every table and view, connects once per --parallel, and changes nothing in PostgreSQL', async () => {
    const url = await fresh();
    await withState('transfer', options(url, { parallel: 3 }), async (state) => {
      expect(state.plan.tables.map((t) => t.source.name)).toEqual(['parent', 'child', 'blobby', 'big']);
      expect(state.plan.views.map((v) => v.targetName)).toEqual(['child_names']);
      expect(Object.isFrozen(state.plan)).toBe(true);
      expect(state.connections).toHaveLength(3);
      expect(state.tables).toEqual([]);
      await state.sourceCheck;
    });
    expect(await query(url, "SELECT relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = 'public'")).toEqual([]);

    const notSqlite = path.join(local.dir, 'not-sqlite.db');
    writeFileSync(notSqlite, 'this is not a database, just text that is long enough to have a header of sorts.\n'.repeat(20));
    await expect(openTransfer(options(url, { sqlitePath: notSqlite }), { connect: connectPg }, 'transfer')).rejects.toBeInstanceOf(InputError);
  }, 60_000);

  it('create: makes the tables as planned, empty, with their checks and no keys yet; refuses tables that exist under --if-exists fail', async () => {
    const url = await fresh();
    await withState('transfer', options(url), async (state) => {
      await createTables(state);
      expect(state.tables.map((t) => [t.plan.source.name, t.report.status, t.createdHere])).toEqual([
        ['parent', 'pending', true],
        ['child', 'pending', true],
        ['blobby', 'pending', true],
        ['big', 'pending', true],
      ]);
      expect(state.tables.find((t) => t.plan.source.name === 'child')?.columns.map((c) => [c.target, c.type.kind])).toEqual([
        ['id', 'bigint'],
        ['parent_id', 'integer'],
        ['qty', 'integer'],
        ['note', 'text'],
      ]);
    });
    expect(await columnsOf(url, 'big')).toMatchObject({ id: ['bigint', false], n: ['integer', false], label: ['text', true] });
    expect(await query(url, 'SELECT count(*)::int AS n FROM big')).toEqual([{ n: 0 }]);
    expect((await constraintsOf(url, 'child')).map((k) => k.type)).toEqual(['c']);
    expect(await indexesOf(url, 'child')).toEqual({});

    const refused = await withState('transfer', options(url), (state) =>
      createTables(state).then(
        () => undefined,
        (error: unknown) => error,
      ),
    );
    expect(refused).toBeInstanceOf(DbopsError);
    expect((refused as DbopsError).exitCode).toBe(ExitCode.refused);
    expect((refused as DbopsError).message).toMatch(/already has 4 of the relations this transfer creates: parent, child, blobby, big\. Nothing was changed\./);
  }, 60_000);

  it('load: copies every row; a value the plan did not hold widens its column in a new planned table, the plan stays as it was', async () => {
    const url = await fresh();
    await withState('transfer', options(url, { verify: false }), async (state) => {
      await createTables(state);
      const planned = state.plan.tables.find((t) => t.source.name === 'blobby');
      await loadTables(state);
      expect(state.tables.map((t) => [t.plan.source.name, t.report.status, t.report.rows])).toEqual([
        ['parent', 'loaded', 2],
        ['child', 'loaded', 3],
        ['blobby', 'loaded', 2],
        ['big', 'loaded', 5000],
      ]);
      const blobby = state.tables.find((t) => t.plan.source.name === 'blobby');
      expect(blobby?.plan).not.toBe(planned);
      expect(blobby?.plan.columns.find((c) => c.source === 'body')?.type.sql).toBe('bytea');
      expect(planned?.columns.find((c) => c.source === 'body')?.type.sql).toBe('text');
      expect(state.plan.tables.find((t) => t.source.name === 'blobby')).toBe(planned);
      expect(state.report.widenedColumns).toEqual([
        { table: 'blobby', column: 'body', type: 'bytea', reason: expect.stringMatching(/NUL byte.*id=2.*--invalid-text bytea/) },
      ]);
      expect(state.tables.every((t) => t.report.verified === undefined)).toBe(true);
    });
    expect(await columnsOf(url, 'blobby')).toMatchObject({ body: ['bytea', true] });
    expect(await query(url, "SELECT encode(body, 'hex') AS hex FROM blobby ORDER BY id")).toEqual([{ hex: '706c61696e' }, { hex: '610062' }]);
    expect(await query(url, 'SELECT sum(n)::bigint AS total FROM big')).toEqual([{ total: String((7 * 5000 * 5001) / 2) }]);
    // Keys and indexes are the finishing phase's.
    expect(await indexesOf(url, 'big')).toEqual({});
  }, 60_000);

  it('finish: adds keys, indexes, checks, foreign keys (NOT VALID over an orphan, counted) and views to the loaded tables', async () => {
    const url = await fresh();
    await withState('transfer', options(url, { verify: false }), async (state) => {
      await createTables(state);
      await loadTables(state);
      await finishSchema(state);
      expect(state.report.orphans).toEqual([
        { table: 'child', foreignKey: '(parent_id) REFERENCES parent', constraint: 'child_parent_id_fkey', orphanRows: 1 },
      ]);
      expect(state.report.untranslatable).toEqual([]);
    });
    expect(Object.keys(await indexesOf(url, 'child')).sort()).toEqual(['child_parent', 'child_pkey']);
    expect(Object.keys(await indexesOf(url, 'parent')).sort()).toEqual(['parent_name_key', 'parent_pkey']);
    const child = await constraintsOf(url, 'child');
    expect(child.map((k) => [k.type, k.valid])).toEqual([
      ['c', true],
      ['f', false],
      ['p', true],
    ]);
    expect(await query(url, 'SELECT name FROM child_names ORDER BY id')).toEqual([{ name: 'one' }, { name: 'two' }]);
    expect(await query(url, "SELECT nextval(pg_get_serial_sequence('big', 'id'))::int AS next")).toEqual([{ next: 5001 }]);
  }, 60_000);

  it('verify: reads the existing tables, then compares each and names the first difference; a missing table fails as a value', async () => {
    const url = await fresh();
    expect((await transfer(options(url))).ok).toBe(true);
    await query(url, "UPDATE big SET label = 'changed' WHERE id = 4321");
    await query(url, 'DROP TABLE blobby');
    await withState('verify', options(url), async (state) => {
      await bindExistingTables(state);
      expect(state.report.failures).toEqual([
        {
          table: 'blobby',
          problem: 'missing in PostgreSQL (expected "public"."blobby").',
          message: 'table "blobby": missing in PostgreSQL (expected "public"."blobby").',
        },
      ]);
      await verifyTables(state);
      expect(state.report.verification).toEqual({ ok: false, mismatches: [{ table: 'big', detail: 'first differing row: id=4321' }] });
      expect(state.tables.map((t) => [t.plan.source.name, t.report.verified?.ok])).toEqual([
        ['parent', true],
        ['child', true],
        ['blobby', undefined],
        ['big', false],
      ]);
    });
  }, 60_000);
});
