import { describe, expect, it } from 'vitest';
import { datasetsDirectory } from '../support/datasets.ts';
import { runCliOn } from '../support/run-cli.ts';
import { columnsOf, constraintsOf, copyDataset, freshDatabase, indexesOf, localServerAndDir, query, transfer } from './transfer-fixtures.ts';

const datasetsDir = datasetsDirectory();

const datasets = [
  'chinook.sqlite',
  'northwind.sqlite',
  'sakila.sqlite',
  'pgloader-tests/sqlite.db',
  'pgloader-tests/storage.sqlite',
  'pgloader-tests/bad-utf8.db',
  'pgloader-tests/collision.db',
  'pgloader-tests/type-mismatch.db',
  'pgloader-tests/test_pk.db',
];

describe.skipIf(datasetsDir === undefined)('every public dataset round-trips and verifies', () => {
  const local = localServerAndDir('dbops-datasets-');
  const urls = new Map<string, string>();

  it.each(datasets)(
    '%s: transfer verifies, then `dbops verify` exits 0',
    async (dataset) => {
      const file = copyDataset(datasetsDir as string, dataset, local.dir);
      const url = await freshDatabase(local.server, dataset.replace(/\W/g, '_').toLowerCase());
      urls.set(dataset, url);
      const report = await transfer({ sqlitePath: file, postgres: { url } });
      expect(report.failures).toEqual([]);
      expect(report.verification?.ok).toBe(true);
      expect(report.tables.every((t) => t.verified?.ok && t.rows === t.sourceRows)).toBe(true);
      expect(JSON.stringify(report)).not.toContain(':dbops@');

      // --quiet: stderr then holds only warnings and errors.
      const cli = await runCliOn(url, ['--quiet', 'verify', '--sqlite', file]);
      expect(cli.stderr).toBe('');
      expect(cli.exitCode).toBe(0);
      expect(cli.stdout).toMatch(/equal \(count \+ digest\)/);
    },
    60_000,
  );

  it('chinook: types, NOT NULL, keys, identity, indexes and foreign keys', async () => {
    const url = urls.get('chinook.sqlite') as string;
    expect(await columnsOf(url, 'invoice')).toMatchObject({
      invoiceid: ['bigint', false],
      invoicedate: ['timestamp without time zone', false],
      total: ['numeric(10,2)', false],
      billingstate: ['text', true],
    });
    const keys = await constraintsOf(url, 'playlisttrack');
    expect(keys.find((k) => k.type === 'p')?.definition).toBe('PRIMARY KEY (playlistid, trackid)');
    expect(keys.filter((k) => k.type === 'f' && k.valid)).toHaveLength(2);
    expect((await constraintsOf(url, 'employee')).find((k) => k.type === 'f')?.definition).toBe('FOREIGN KEY (reportsto) REFERENCES employee(employeeid)');
    expect(Object.keys(await indexesOf(url, 'track'))).toEqual(expect.arrayContaining(['track_pkey', 'ifk_trackalbumid', 'ifk_trackgenreid']));
    const [inserted] = await query<{ artistid: string }>(url, "INSERT INTO artist (name) VALUES ('New') RETURNING artistid");
    expect(inserted?.artistid).toBe('276');
    expect(await query(url, 'SELECT name FROM artist WHERE artistid = 1')).toEqual([{ name: 'AC/DC' }]);
    expect(await query(url, 'SELECT total::text AS total FROM invoice WHERE invoiceid = 1')).toEqual([{ total: '1.98' }]);
  });

  it('northwind: a table name with a space, JPEG bytes intact, CHECKs, views', async () => {
    const url = urls.get('northwind.sqlite') as string;
    expect(await columnsOf(url, 'order details')).toMatchObject({ unitprice: ['numeric', false], discount: ['double precision', false] });
    const [picture] = await query<{ head: string; bytes: number }>(
      url,
      "SELECT encode(substr(picture, 1, 4), 'hex') AS head, length(picture) AS bytes FROM categories WHERE categoryid = 1",
    );
    expect(picture?.bytes).toBeGreaterThan(1000);
    expect((await constraintsOf(url, 'order details')).filter((k) => k.type === 'c').length).toBe(3);
    expect(await query(url, "SELECT count(*)::int AS n FROM information_schema.views WHERE table_schema = 'public'")).toEqual([{ n: 13 }]);
    const [next] = await query<{ id: string }>(url, "INSERT INTO categories (categoryname) VALUES ('x') RETURNING categoryid AS id");
    expect(Number(next?.id)).toBeGreaterThan(8);
  });

  it('sakila: integer keys, decimals, partial CHECKs, unique index, circular foreign keys', async () => {
    const url = urls.get('sakila.sqlite') as string;
    expect(await columnsOf(url, 'payment')).toMatchObject({ amount: ['numeric(5,2)', false], payment_date: ['timestamp without time zone', false] });
    expect(await columnsOf(url, 'film')).toMatchObject({ description: ['text', true], rental_rate: ['numeric(4,2)', false] });
    expect((await indexesOf(url, 'rental')).idx_rental_uq).toMatch(/CREATE UNIQUE INDEX/);
    expect((await constraintsOf(url, 'store')).filter((k) => k.type === 'f')).toHaveLength(2);
    expect((await constraintsOf(url, 'staff')).filter((k) => k.type === 'f')).toHaveLength(2);
    const [actor] = await query<{ id: string }>(url, "INSERT INTO actor (first_name, last_name) VALUES ('a', 'b') RETURNING actor_id AS id");
    expect(Number(actor?.id)).toBe(201);
  });

  it('pgloader sqlite.db: doubles stay double precision, epochs become times, sequences follow sqlite_sequence', async () => {
    const url = urls.get('pgloader-tests/sqlite.db') as string;
    expect(await columnsOf(url, 'reals')).toMatchObject({ f1: ['double precision', true] });
    expect(await query(url, 'SELECT f1::text AS f FROM reals ORDER BY id')).toEqual([{ f: '0' }, { f: '1.2' }, { f: '-3.14' }]);
    expect(await query(url, 'SELECT "EndTime"::text AS t FROM stamps ORDER BY 1 NULLS LAST'.replace('"EndTime"', 'endtime'))).toEqual([
      { t: '1970-01-01 00:00:00' },
      { t: '1970-01-01 00:33:44' },
      { t: null },
    ]);
    expect(await columnsOf(url, 'double')).toMatchObject({ x: ['double precision', true], y: ['double precision', true] });
    const [user] = await query<{ id: string }>(url, 'INSERT INTO "user" (name) VALUES (\'new\') RETURNING id');
    expect(user?.id).toBe('5');
  });

  it('storage.sqlite keeps text in BLOB columns as text (not decoded as base64); bad-utf8.db keeps the blob byte for byte', async () => {
    const storage = urls.get('pgloader-tests/storage.sqlite') as string;
    expect(await columnsOf(storage, 'files')).toMatchObject({ file_data: ['text', true] });
    expect(await query(storage, 'SELECT length(file_data) AS n FROM files ORDER BY id')).toEqual([{ n: 1253488 }, { n: 314872 }]);
    const bad = urls.get('pgloader-tests/bad-utf8.db') as string;
    expect(await query(bad, "SELECT id::int, encode(filename, 'hex') AS hex FROM files ORDER BY id")).toEqual([
      { id: 1, hex: '76616c69642d66696c652e747874' },
      { id: 2, hex: '66696c65966e616d652e747874' },
      { id: 3, hex: '616e6f746865722d76616c69642e747874' },
    ]);
  });

  it('collision.db: two names longer than 63 bytes stay two columns', async () => {
    const url = urls.get('pgloader-tests/collision.db') as string;
    const columns = Object.keys(await columnsOf(url, 'products'));
    expect(columns).toHaveLength(4);
    expect(columns.every((c) => Buffer.byteLength(c) <= 63)).toBe(true);
  });
});
