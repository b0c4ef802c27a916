import { copyFileSync, chmodSync } from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll } from 'vitest';
import { connectPg } from '../../src/postgres/pg-connection.ts';
import { transferDatabase, verifyDatabase } from '../../src/transfer/transfer-database.ts';
import type { TransferOptions } from '../../src/transfer/transfer-options.ts';
import { startLocalPostgres, type LocalPostgres } from '../support/local-postgres.ts';
import { tempDir } from '../support/temp-dir.ts';

/**
 * For the describe block it is called in: a throwaway local PostgreSQL and a temporary directory,
 * started before its tests (and before the hooks registered after this call) and removed after them.
 */
export function localServerAndDir(prefix: string): { readonly server: LocalPostgres; readonly dir: string } {
  let server: LocalPostgres | undefined;
  let dir: ReturnType<typeof tempDir> | undefined;
  beforeAll(async () => {
    server = await startLocalPostgres();
    dir = tempDir(prefix);
  });
  afterAll(async () => {
    await server?.stop();
    dir?.remove();
  });
  const ready = <T>(value: T | undefined): T => {
    if (value === undefined) throw new Error('localServerAndDir: used before its beforeAll ran');
    return value;
  };
  return {
    get server() {
      return ready(server);
    },
    get dir() {
      return ready(dir).path;
    },
  };
}

/** A fresh database on the test server; returns its URL. */
export async function freshDatabase(server: LocalPostgres, name: string): Promise<string> {
  const admin = new pg.Client({ connectionString: server.url });
  await admin.connect();
  try {
    await admin.query(`DROP DATABASE IF EXISTS "${name}"`);
    await admin.query(`CREATE DATABASE "${name}"`);
  } finally {
    await admin.end();
  }
  return server.url.replace(/\/postgres$/, `/${name}`);
}

/** Copies a dataset into a temp dir (never write to the shared files) and returns the copy's path. */
export function copyDataset(datasets: string, relative: string, dir: string): string {
  const target = path.join(dir, relative.replaceAll('/', '_'));
  copyFileSync(path.join(datasets, relative), target);
  chmodSync(target, 0o644);
  return target;
}

export const transfer = (options: TransferOptions) => transferDatabase(options, { connect: connectPg });
export const verify = (options: TransferOptions) => verifyDatabase(options, { connect: connectPg });

/** Runs one query on a database and returns its rows. */
export async function query<Row = Record<string, unknown>>(url: string, sql: string, params: unknown[] = []): Promise<Row[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query(sql, params)).rows as Row[];
  } finally {
    await client.end();
  }
}

/** Column name -> [data type, nullable] for a table. */
export async function columnsOf(url: string, table: string, schema = 'public'): Promise<Record<string, [string, boolean]>> {
  const rows = await query<{ column_name: string; type: string; is_nullable: string }>(
    url,
    `SELECT a.attname AS column_name, format_type(a.atttypid, a.atttypmod) AS type, CASE WHEN a.attnotnull THEN 'NO' ELSE 'YES' END AS is_nullable
       FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE n.nspname = $1 AND c.relname = $2 AND a.attnum > 0 AND NOT a.attisdropped`,
    [schema, table],
  );
  return Object.fromEntries(rows.map((r) => [r.column_name, [r.type, r.is_nullable === 'YES']]));
}

export async function constraintsOf(url: string, table: string): Promise<{ name: string; type: string; valid: boolean; definition: string }[]> {
  return query(
    url,
    `SELECT conname AS name, contype AS type, convalidated AS valid, pg_get_constraintdef(k.oid) AS definition
       FROM pg_constraint k JOIN pg_class c ON c.oid = k.conrelid WHERE c.relname = $1 ORDER BY conname`,
    [table],
  );
}

export async function indexesOf(url: string, table: string): Promise<Record<string, string>> {
  const rows = await query<{ indexname: string; indexdef: string }>(url, 'SELECT indexname, indexdef FROM pg_indexes WHERE tablename = $1', [table]);
  return Object.fromEntries(rows.map((r) => [r.indexname, r.indexdef]));
}
