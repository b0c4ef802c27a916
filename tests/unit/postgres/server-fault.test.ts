import { describe, expect, it } from 'vitest';
import { ExitCode } from '../../../src/errors/exit-codes.ts';
import { asServerFault, PostgresServerError, serverFaultOf } from '../../../src/postgres/server-fault.ts';

const driverError = (code: string | undefined, message: string) => Object.assign(new Error(message), code ? { code } : {});

describe('serverFaultOf', () => {
  it.each([
    [driverError('53100', 'could not extend file "base/16384/16390": No space left on device'), 'disk full'],
    [driverError('53200', 'out of memory'), 'out of memory'],
    [driverError('57P01', 'terminating connection due to administrator command'), 'terminated'],
    [driverError('57P02', 'terminating connection because of crash of another server process'), 'crash restart'],
    [driverError('57P03', 'the database system is shutting down'), 'shutting down'],
    [driverError('58030', 'could not write to file'), 'i/o error'],
    [driverError('ECONNRESET', 'read ECONNRESET'), 'connection lost'],
    [driverError(undefined, 'Connection terminated unexpectedly'), 'connection lost'],
    [driverError(undefined, 'Client has encountered a connection error and is not queryable'), 'connection lost'],
  ])('%s is a server fault: %s', (error, kind) => {
    expect(serverFaultOf(error)?.kind).toBe(kind);
  });

  it.each([
    [driverError('22P02', 'invalid input syntax for type integer: "x"')],
    [driverError('23505', 'duplicate key value violates unique constraint')],
    [driverError('42P01', 'relation "x" does not exist')],
    ['a string'],
    [undefined],
  ])('%s is not', (error) => {
    expect(serverFaultOf(error)).toBeUndefined();
    expect(asServerFault(error, 'x')).toBe(error);
  });

  it('wraps a fault once, with its own exit code and the fix for its kind', () => {
    const wrapped = asServerFault(driverError('53100', 'No space left on device'), 'app@127.0.0.1:5432/appdb');
    expect(wrapped).toBeInstanceOf(PostgresServerError);
    expect((wrapped as PostgresServerError).exitCode).toBe(ExitCode.serverLost);
    expect((wrapped as Error).message).toBe(
      'PostgreSQL at app@127.0.0.1:5432/appdb failed under this step: disk full (No space left on device). ' +
        "Free space on PostgreSQL's data volume (or grow it), then run again.",
    );
    expect(asServerFault(wrapped, 'elsewhere')).toBe(wrapped);
  });
});
