import type { Readable, Writable } from 'node:stream';

/** Where to connect: a URL, or the parts of one (the migrate pipeline's published port on 127.0.0.1). */
export type PostgresTarget =
  | { readonly url: string }
  | {
      readonly host: string;
      readonly port: number;
      readonly user: string;
      /** Never printed, never put in a URL or process arguments. */
      readonly password: string;
      readonly database: string;
    };

export interface QueryResult<Row> {
  readonly rows: Row[];
  readonly rowCount: number;
}

/** The part of a PostgreSQL client dbops uses; src/postgres/pg-connection.ts is the only file importing `pg`. */
export interface PostgresConnection {
  query<Row extends Record<string, unknown> = Record<string, unknown>>(sql: string, params?: readonly unknown[]): Promise<QueryResult<Row>>;
  /** `COPY ... FROM STDIN`: write COPY text to the stream and end it; it finishes when the server has the rows. */
  copyFrom(sql: string): Writable;
  /** `COPY ... TO STDOUT`: the rows as COPY text. */
  copyTo(sql: string): Readable;
  /**
   * `COPY ... TO STDOUT` for reads of whole tables: `onData` gets the COPY text in order, in large
   * pieces valid only during the call; resolves with the number of rows the server sent.
   */
  copyOut(sql: string, onData: (bytes: Buffer) => void): Promise<number>;
  close(): Promise<void>;
}

export type ConnectPostgres = (target: PostgresTarget) => Promise<PostgresConnection>;

/** `user@host:port/database`: a target in words, without the password. */
export function describeTarget(target: PostgresTarget): string {
  if ('url' in target) {
    try {
      const url = new URL(target.url);
      const user = decodeURIComponent(url.username);
      return `${user ? `${user}@` : ''}${url.hostname}${url.port ? `:${url.port}` : ''}${url.pathname || '/'}`;
    } catch {
      return 'the given PostgreSQL URL';
    }
  }
  return `${target.user}@${target.host}:${target.port}/${target.database}`;
}

/** True when the server runs on this machine (a loopback address or a Unix socket), so it shares this machine's cores. */
export function isLocalTarget(target: PostgresTarget): boolean {
  let host = '';
  if ('url' in target) {
    try {
      const url = new URL(target.url);
      host = decodeURIComponent(url.hostname) || (url.searchParams.get('host') ?? '');
    } catch {
      return false;
    }
  } else {
    host = target.host;
  }
  return host === '' || host.startsWith('/') || host === 'localhost' || host === '[::1]' || host === '::1' || /^127\./.test(host);
}
