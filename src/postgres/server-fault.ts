import { DbopsError } from '../errors/dbops-error.ts';
import { ExitCode } from '../errors/exit-codes.ts';

/** How PostgreSQL failed under a running step, as opposed to refusing the data it was given. */
export type ServerFaultKind = 'connection lost' | 'disk full' | 'out of memory' | 'terminated' | 'crash restart' | 'shutting down' | 'i/o error';

/** SQLSTATEs that mean the server, not the statement, failed. */
const faultStates: Readonly<Record<string, ServerFaultKind>> = {
  '53100': 'disk full',
  '53200': 'out of memory',
  '57P01': 'terminated',
  '57P02': 'crash restart',
  '57P03': 'shutting down',
  '58030': 'i/o error',
};

/** Network errors and the driver's words for a connection that is gone. */
const lostCodes = new Set(['ECONNRESET', 'EPIPE', 'ECONNREFUSED', 'ETIMEDOUT']);
const lostWordings = [
  'Connection terminated',
  'connection error and is not queryable',
  'Client was closed and is not queryable',
  'server closed the connection unexpectedly',
];

/**
 * PostgreSQL went away or failed under a step: the connection dropped, the disk filled, the
 * backend was terminated. Its own exit code, so scripts can tell it from bad source data.
 */
export class PostgresServerError extends DbopsError {
  constructor(
    readonly kind: ServerFaultKind,
    readonly where: string,
    readonly detail: string,
    cause?: unknown,
  ) {
    super(`PostgreSQL at ${where} failed under this step: ${kind}${detail ? ` (${detail})` : ''}. ${serverFaultFix[kind]}`, {
      exitCode: ExitCode.serverLost,
      cause,
    });
  }
}

/** What to do, per kind; a stack's own diagnosis (container state, volume space) may say more. */
export const serverFaultFix: Readonly<Record<ServerFaultKind, string>> = {
  'connection lost': 'The server stopped, crashed or was killed, or the network dropped: check that it runs and read its log, then run again.',
  'disk full': "Free space on PostgreSQL's data volume (or grow it), then run again.",
  'out of memory': 'Give PostgreSQL more memory or lower work_mem / maintenance_work_mem, then run again.',
  terminated: 'Someone ended this session (pg_terminate_backend) or shut the server down: find out who, then run again.',
  'crash restart': 'Another server process crashed and PostgreSQL restarted: read its log, then run again.',
  'shutting down': 'The server is shutting down or starting: wait until it accepts connections, then run again.',
  'i/o error': "The server could not read or write its files: check the data volume's disk, then run again.",
};

interface DriverError {
  readonly code?: unknown;
  readonly message?: unknown;
}

/** The fault a driver error stands for, or undefined when it is an ordinary statement error (bad data, SQL). */
export function serverFaultOf(error: unknown): { kind: ServerFaultKind; detail: string } | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  if (error instanceof PostgresServerError) return { kind: error.kind, detail: error.detail };
  const { code, message } = error as DriverError;
  const text = typeof message === 'string' ? message : '';
  const kind = typeof code === 'string' ? (faultStates[code] ?? (lostCodes.has(code) ? 'connection lost' : undefined)) : undefined;
  if (kind) return { kind, detail: text };
  if (lostWordings.some((wording) => text.includes(wording))) return { kind: 'connection lost', detail: text };
  return undefined;
}

/** The driver error as a PostgresServerError when it is a server fault; otherwise unchanged. */
export function asServerFault(error: unknown, where: string): unknown {
  if (error instanceof PostgresServerError) return error;
  const fault = serverFaultOf(error);
  return fault ? new PostgresServerError(fault.kind, where, fault.detail, error) : error;
}
