import { describe, expect, it } from 'vitest';
import { ExitCode } from '../../../src/errors/exit-codes.ts';
import { describeConnectFailure } from '../../../src/postgres/connect-failure.ts';
import { withLibpqSslModes } from '../../../src/postgres/pg-connection.ts';
import { checkPostgresUrl } from '../../../src/postgres/postgres-url.ts';

describe('checkPostgresUrl', () => {
  it.each([['postgresql://app@127.0.0.1:5432/appdb'], ['postgres://app@db.internal/appdb?sslmode=require'], ['postgresql:///appdb?host=/var/run/postgresql']])(
    'accepts %s',
    (url) => {
      expect(() => checkPostgresUrl(url, '--postgres')).not.toThrow();
    },
  );

  it.each([
    ['postgresql://[oops', /given as --postgres is not a valid URL\. Give it as postgresql:\/\/USER@HOST:PORT\/DATABASE/],
    ['not a url', /is not a valid URL/],
    ['mysql://root:s3cret@127.0.0.1/app', /is a mysql:\/\/ URL: dbops works with PostgreSQL only/],
    ['sqlite:///./data/app.db', /is a sqlite:\/\/ URL/],
    ['postgresql://app:s3cret@127.0.0.1:99999/appdb', /is not a valid URL/],
  ])('refuses %s with one message that never shows the password', (url, message) => {
    let thrown: unknown;
    try {
      checkPostgresUrl(url, '--postgres');
    } catch (error) {
      thrown = error;
    }
    expect((thrown as Error).message).toMatch(message);
    expect((thrown as Error).message).not.toContain('s3cret');
    expect((thrown as { exitCode: number }).exitCode).toBe(ExitCode.input);
  });
});

describe('withLibpqSslModes', () => {
  it.each([
    ['postgresql://a@h/db', 'postgresql://a@h/db'],
    ['postgresql://a@h/db?sslmode=require', 'postgresql://a@h/db?sslmode=require&uselibpqcompat=true'],
    ['postgresql://a@h/db?sslmode=require&uselibpqcompat=false', 'postgresql://a@h/db?sslmode=require&uselibpqcompat=false'],
    ['postgresql://[bad', 'postgresql://[bad'],
  ])('%s -> %s', (url, expected) => {
    expect(withLibpqSslModes(url)).toBe(expected);
  });
});

describe('describeConnectFailure', () => {
  const target = { url: 'postgresql://app:s3cret@127.0.0.1:5999/appdb' };
  const error = (code: string | undefined, message: string) => Object.assign(new Error(message), code ? { code } : {});
  it.each([
    [error('ECONNREFUSED', 'connect ECONNREFUSED 127.0.0.1:5999'), /nothing accepts connections at app@127\.0\.0\.1:5999\/appdb/, /Start the server/],
    [error('ENOTFOUND', 'getaddrinfo ENOTFOUND db'), /does not resolve/, /service name/],
    [error('28P01', 'password authentication failed for user "app"'), /password authentication failed for user "app"/, /PGPASSWORD/],
    [error('3D000', 'database "appdb" does not exist'), /^the database "appdb" does not exist$/, /Create it/],
    [
      error(undefined, 'SASL: SCRAM-SERVER-FIRST-MESSAGE: client password must be a string'),
      /asks for a password for user "app" and none was given/,
      /Set PGPASSWORD/,
    ],
    [error(undefined, 'The server does not support SSL connections'), /asks for TLS \(sslmode\) but the server/, /sslmode=disable/],
    [error(undefined, 'Connection terminated due to connection timeout'), /did not answer in time/, /paused container/],
    [error('57P03', 'the database system is starting up'), /starting up/, /Wait/],
    [error('53300', 'sorry, too many clients already'), /max_connections/, /idle connections/],
    [error('XX000', 'something else'), /^something else$/, /Check that the server is running/],
  ])('%s', (cause, problem, fix) => {
    const failure = describeConnectFailure(cause, target);
    expect(failure.problem).toMatch(problem);
    expect(failure.fix).toMatch(fix);
    expect(`${failure.problem} ${failure.fix}`).not.toContain('s3cret');
  });
});
