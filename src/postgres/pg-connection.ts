import pg from 'pg';
import { from as copyFrom, to as copyTo } from 'pg-copy-streams';
import { DbopsError } from '../errors/dbops-error.ts';
import { ExitCode } from '../errors/exit-codes.ts';
import { describeConnectFailure } from './connect-failure.ts';
import type { Readable, Writable } from 'node:stream';
import { CopyOutQuery } from './copy-out.ts';
import { describeTarget, type PostgresConnection, type PostgresTarget } from './postgres-connection.ts';
import { asServerFault, PostgresServerError } from './server-fault.ts';

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
      ? { connectionString: withLibpqSslModes(target.url) }
      : { host: target.host, port: target.port, user: target.user, password: target.password, database: target.database };
  const client = new pg.Client({ ...config, application_name: 'dbops', connectionTimeoutMillis: 15_000 });
  const where = describeTarget(target);
  // COPY streams open on this connection: when it drops, the driver rejects pending queries but
  // leaves a COPY waiting for 'drain' or 'finish' forever, so they are ended here with the cause.
  const copies = new Set<Readable | Writable>();
  let closing = false;
  const lost = (error: unknown) => {
    const fault = asServerFault(error, where);
    const reason = fault instanceof PostgresServerError ? fault : new PostgresServerError('connection lost', where, String(error), error);
    for (const stream of copies) stream.destroy(reason);
    copies.clear();
  };
  // A dropped connection must reject the pending query, not crash the process.
  client.on('error', lost);
  client.on('end', () => {
    if (!closing) lost(new Error('Connection terminated: the server closed it'));
  });
  const track = <S extends Readable | Writable>(stream: S): S => {
    copies.add(stream);
    stream.once('close', () => copies.delete(stream));
    return stream;
  };
  try {
    await client.connect();
    await client.query(sessionSettings);
  } catch (error) {
    await client.end().catch(() => undefined);
    const failure = describeConnectFailure(error, target);
    throw new DbopsError(`Cannot connect to PostgreSQL at ${describeTarget(target)}: ${failure.problem}. ${failure.fix}`, {
      exitCode: ExitCode.input,
      cause: error,
    });
  }
  return {
    query: async <Row extends Record<string, unknown>>(sql: string, params?: readonly unknown[]) => {
      try {
        const result = await client.query<Row>(sql, params === undefined ? undefined : [...params]);
        return { rows: result.rows, rowCount: result.rowCount ?? 0 };
      } catch (error) {
        throw asServerFault(error, where);
      }
    },
    copyFrom: (sql) => track(client.query(copyFrom(sql))),
    copyTo: (sql) => track(client.query(copyTo(sql))),
    copyOut: (sql, onData) => client.query(new CopyOutQuery(sql, onData)).done.catch((error: unknown) => Promise.reject(asServerFault(error, where))),
    close: () => {
      closing = true;
      return client.end();
    },
  };
}

/**
 * `sslmode` as libpq means it (require: encrypted, certificate not checked), which is what users
 * of psql and pg_dump expect from the same URL; without the flag the driver treats require as
 * verify-full and prints a ten-line warning.
 */
export function withLibpqSslModes(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return url;
  }
  if (!parsed.searchParams.has('sslmode') || parsed.searchParams.has('uselibpqcompat')) return url;
  return `${url}${parsed.search ? '&' : '?'}uselibpqcompat=true`;
}
