import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { openSqlite } from '../../src/sqlite/sqlite-database.ts';
import { connectPg } from '../../src/postgres/pg-connection.ts';
import { transferDatabase } from '../../src/transfer/transfer-database.ts';
import { constraintsOf, freshDatabase, localServerAndDir, query, transfer, verify } from './transfer-fixtures.ts';

/**
 * The SQLite-built COPY batches through a real server: tricky values round-trip with verify
 * passing, and the lock-friendly key, index and check steps give the same schema.
 */
describe('transfer through SQLite-built COPY batches', () => {
  const local = localServerAndDir('dbops-fast-');
  let file: string;

  beforeAll(async () => {
    file = path.join(local.dir, 'tricky.db');
    const db = openSqlite(file);
    db.exec(`
      CREATE TABLE docs (
        id TEXT PRIMARY KEY, body TEXT NOT NULL, score REAL, n INTEGER, ok BOOLEAN, at DATETIME, day DATE, meta JSON, raw BLOB,
        CHECK (length(body) < 5000)
      );
      CREATE TABLE notes (k INTEGER PRIMARY KEY, doc TEXT REFERENCES docs(id), tag TEXT UNIQUE, CONSTRAINT short CHECK (length(tag) < 3));
    `);
    const insert = db.prepare('INSERT INTO docs VALUES (?, ?, CAST(? AS REAL), ?, ?, ?, ?, ?, ?)');
    const bodies = ['', 'tab\there', 'new\nline', 'cr\rhere', 'back\\slash \\N', '\b\f\v', '법률 상담 😀👍🏽', '"quoted"', 'x'.repeat(4000)];
    const scores = [0.1, 1e308, -2.5, 5e-324, 1 / 3, 1e15, 123456789012345680, 2.2250738585072014e-308, 0];
    db.transaction(() => {
      for (let i = 0; i < 3000; i += 1) {
        insert.run(
          `doc-${String(i).padStart(5, '0')}`,
          `${bodies[i % bodies.length]} ${i}`,
          i % 11 === 0 ? null : (scores[i % scores.length] as number) * (i % 2 ? 1 : -1),
          BigInt(i) * 3_000_000_000n,
          i % 2,
          i % 13 === 0 ? 1_700_000_000 + i : `2025-0${1 + (i % 9)}-1${i % 10} 1${i % 10}:0${i % 6}:3${i % 10}`,
          `2024-02-${String(1 + (i % 29)).padStart(2, '0')}`,
          JSON.stringify({ z: i, a: [1, 'é', { y: null }], ...(i % 7 === 0 ? { big: 12345678901234567890 } : {}) }),
          i % 5 === 0 ? null : Buffer.from([0, i & 255, 10, 92]),
        );
      }
    });
    db.exec(
      'PRAGMA foreign_keys = OFF; PRAGMA ignore_check_constraints = ON; ' +
        "INSERT INTO notes (doc, tag) VALUES ('doc-00001', 'ok'), ('doc-00002', 'too long'), ('missing', 'x');",
    );
    db.close();
  });

  it('round-trips tricky values with verify passing, and keys, checks and foreign keys as before', async () => {
    const url = await freshDatabase(local.server, 'fast_path');
    const report = await transfer({ sqlitePath: file, postgres: { url } });
    expect(report.failures).toEqual([]);
    expect(report.verification).toEqual({ ok: true, mismatches: [] });
    expect((await verify({ sqlitePath: file, postgres: { url } })).ok).toBe(true);
    const [row] = await query<{ body: string; score: number; n: string; at: string }>(
      url,
      `SELECT body, score, n::text, at::text FROM docs WHERE id = 'doc-00004'`,
    );
    expect(row).toEqual({ body: 'back\\slash \\N 4', score: -1 / 3, n: '12000000000', at: '2025-05-14 14:04:34' });
    const docKeys = await constraintsOf(url, 'docs');
    expect(docKeys.find((k) => k.type === 'p')).toMatchObject({ valid: true, definition: 'PRIMARY KEY (id)' });
    expect(docKeys.find((k) => k.type === 'c')).toMatchObject({ valid: true });
    const noteKeys = await constraintsOf(url, 'notes');
    expect(noteKeys.find((k) => k.name === 'short')).toMatchObject({ valid: false });
    expect(noteKeys.find((k) => k.type === 'u')).toMatchObject({ valid: true, definition: 'UNIQUE (tag)' });
    expect(noteKeys.find((k) => k.type === 'f')).toMatchObject({ valid: false });
    expect(report.warnings.join('\n')).toMatch(/CHECK short on "notes" was added NOT VALID/);
    expect(report.orphans).toEqual([expect.objectContaining({ table: 'notes', orphanRows: 1 })]);
    expect(report.warnings.join('\n')).not.toMatch(/extension/);
  });

  it('gives the same tables without the copy-rows extension (SQL expressions), and the report says it is missing', async () => {
    const [withExtension, without] = [await freshDatabase(local.server, 'with_extension'), await freshDatabase(local.server, 'without_extension')];
    await transfer({ sqlitePath: file, postgres: { url: withExtension } });
    const report = await transferDatabase({ sqlitePath: file, postgres: { url: without } }, { connect: connectPg, copyRowsExtension: null });
    expect(report.failures).toEqual([]);
    expect(report.verification).toEqual({ ok: true, mismatches: [] });
    expect(report.warnings.join('\n')).toMatch(/SQLite encoding extension \(src\/sqlite\/copy-rows.c\) is not built/);
    for (const table of ['docs', 'notes']) {
      const dump = `SELECT md5(string_agg(t::text, '|' ORDER BY t::text)) AS digest FROM ${table} t`;
      expect(await query(without, dump), table).toEqual(await query(withExtension, dump));
    }
  });
});
