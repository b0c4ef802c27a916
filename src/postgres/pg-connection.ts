import pg from 'pg';
import { from as copyFrom, to as copyTo } from 'pg-copy-streams';
import { DbopsError } from '../errors/dbops-error.ts';
import { ExitCode } from '../errors/exit-codes.ts';
import { CopyOutQuery } from './copy-out.ts';
import { describeTarget, type PostgresConnection, type PostgresTarget } from './postgres-connection.ts';

/**
 * Session settings every dbops connection runs with, so COPY text means and prints the same thing
 * on every server: ISO dates, UTC, hex bytea, shortest exact floats.
 */
const sessionSettings =
  "SET DateStyle = 'ISO, YMD'; SET TimeZone = 'UTC'; SET bytea_output = 'hex'; SET extra_float_digits = 1; " +
  "SET IntervalStyle = 'postgres'; SET client_encoding = 'UTF8'; SET standard_conforming_strings = on";

/** Opens one connection with the `pg` driver. The password goes only to the driver, never into a message. */
export async function connectPg(target: PostgresTarget): Promise<PostgresConnection> {
  const config: pg.ClientConfig =
    'url' in target
      ? { connectionString: target.url }
      : { host: target.host, port: target.port, user: target.user, password: target.password, database: target.database };
  const client = new pg.Client({ ...config, application_name: 'dbops', connectionTimeoutMillis: 15_000 });
  // A dropped connection must reject the pending query, not crash the process.
  client.on('error', () => undefined);
  try {
    await client.connect();
    await client.query(sessionSettings);
  } catch (error) {
    await client.end().catch(() => undefined);
    throw new DbopsError(
      `Cannot connect to PostgreSQL at ${describeTarget(target)}: ${error instanceof Error ? error.message : String(error)}. ` +
        'Check that the server is running and reachable, and that the user, password and database are right.',
      { exitCode: ExitCode.input, cause: error },
    );
  }
  return {
    query: async <Row extends Record<string, unknown>>(sql: string, params?: readonly unknown[]) => {
      const result = await client.query<Row>(sql, params === undefined ? undefined : [...params]);
      return { rows: result.rows, rowCount: result.rowCount ?? 0 };
    },
    copyFrom: (sql) => client.query(copyFrom(sql)),
    copyTo: (sql) => client.query(copyTo(sql)),
    copyOut: (sql, onData) => client.query(new CopyOutQuery(sql, onData)).done,
    close: () => client.end(),
  };
}
