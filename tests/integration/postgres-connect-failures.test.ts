import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DbopsError } from '../../src/errors/dbops-error.ts';
import { connectPg } from '../../src/postgres/pg-connection.ts';
import { freePort } from '../support/free-port.ts';
import { startLocalPostgres, type LocalPostgres } from '../support/local-postgres.ts';

/** Real connection failures against a real server, each named by its cause. */
describe('connecting to PostgreSQL', () => {
  let server: LocalPostgres;
  beforeAll(async () => {
    server = await startLocalPostgres();
  });
  afterAll(async () => {
    await server?.stop();
  });

  const failure = async (url: string): Promise<string> => {
    const error = await connectPg({ url }).then(
      async (connection) => {
        await connection.close();
        return undefined;
      },
      (thrown: unknown) => thrown,
    );
    expect(error).toBeInstanceOf(DbopsError);
    return (error as Error).message;
  };

  // First in the file: the driver warns once per process, so a later test could not see it.
  it('connects with sslmode=disable and prints no driver warning', async () => {
    const warnings: string[] = [];
    const onWarning = (warning: Error) => warnings.push(warning.message);
    process.on('warning', onWarning);
    try {
      const connection = await connectPg({ url: `${server.url}?sslmode=disable` });
      await connection.close();
      await connectPg({ url: `${server.url}?sslmode=require` }).catch(() => undefined);
      await new Promise((resolve) => setImmediate(resolve));
    } finally {
      process.off('warning', onWarning);
    }
    expect(warnings.filter((w) => w.includes('SECURITY WARNING'))).toEqual([]);
  });

  it('names a closed port, a wrong password, a missing database, a missing password and TLS the server lacks', async () => {
    const closed = await freePort();
    const base = `127.0.0.1:${server.port}`;
    expect(await failure(`postgresql://dbops:dbops@127.0.0.1:${closed}/postgres`)).toMatch(
      /nothing accepts connections at dbops@127\.0\.0\.1:\d+\/postgres \(connection refused\)\. Start the server/,
    );
    expect(await failure(`postgresql://dbops:wrong@${base}/postgres`)).toMatch(/password authentication failed for user "dbops"\. Check the password/);
    expect(await failure(`postgresql://dbops:dbops@${base}/nope`)).toMatch(/the database "nope" does not exist\. Create it/);
    const previous = process.env.PGPASSWORD;
    delete process.env.PGPASSWORD;
    try {
      expect(await failure(`postgresql://dbops@${base}/postgres`)).toMatch(/asks for a password for user "dbops" and none was given\. Set PGPASSWORD/);
    } finally {
      if (previous !== undefined) process.env.PGPASSWORD = previous;
    }
    expect(await failure(`postgresql://dbops:dbops@${base}/postgres?sslmode=require`)).toMatch(
      /asks for TLS \(sslmode\) but the server at .* does not offer it/,
    );
  });
});
