import type { PostgresTarget } from './postgres-connection.ts';
import { describeTarget } from './postgres-connection.ts';

/** Why a connection could not be opened, and what to do, in the user's words. */
export interface ConnectFailure {
  readonly problem: string;
  readonly fix: string;
}

interface DriverError {
  readonly code?: string;
  readonly message: string;
}

const driverError = (error: unknown): DriverError =>
  typeof error === 'object' && error !== null && 'message' in error ? (error as DriverError) : { message: String(error) };

/**
 * The driver's connect error as a cause and a remedy. Rows match on the error's code where the
 * driver gives one (network errno, PostgreSQL SQLSTATE), else on its fixed wording.
 */
export function describeConnectFailure(error: unknown, target: PostgresTarget): ConnectFailure {
  const { code, message } = driverError(error);
  const where = describeTarget(target);
  const user = 'url' in target ? userOf(target.url) : target.user;
  switch (code) {
    case 'ECONNREFUSED':
      return { problem: `nothing accepts connections at ${where} (connection refused)`, fix: 'Start the server, or check the host and port.' };
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return {
        problem: `the host name of ${where} does not resolve`,
        fix: 'Check the host name (inside a compose network, services are reached by their service name).',
      };
    case 'ETIMEDOUT':
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
      return { problem: `the server at ${where} cannot be reached (${code})`, fix: 'Check the host, the port and any firewall in between.' };
    case 'ECONNRESET':
      return {
        problem: `the server at ${where} closed the connection while it was being opened`,
        fix: 'Check the server log; a server that is starting or shutting down does this.',
      };
    case '28P01':
      return { problem: `password authentication failed for user "${user}"`, fix: 'Check the password (PGPASSWORD, or POSTGRES_PASSWORD for a stack).' };
    case '28000':
      return { problem: `the server refuses user "${user}" (${message})`, fix: 'Check that the role exists and that pg_hba.conf allows it from this host.' };
    case '3D000':
      return { problem: message.replace(/^database/, 'the database'), fix: 'Create it, or check the database name in the URL.' };
    case '57P03':
      return { problem: 'the server is starting up or shutting down', fix: 'Wait for it to accept connections, then run again.' };
    case '53300':
      return {
        problem: 'the server has no connection slots left (max_connections reached)',
        fix: 'Close idle connections or raise max_connections, then run again.',
      };
  }
  if (message.includes('client password must be a string')) {
    return {
      problem: `the server asks for a password for user "${user}" and none was given`,
      fix: 'Set PGPASSWORD (never put the password in process arguments).',
    };
  }
  if (message.includes('does not support SSL')) {
    return {
      problem: `the URL asks for TLS (sslmode) but the server at ${where} does not offer it`,
      fix: 'Remove sslmode from the URL or set sslmode=disable, or enable ssl on the server.',
    };
  }
  if (/timeout/i.test(message)) {
    return {
      problem: `the server at ${where} did not answer in time`,
      fix: 'Check that the server runs and is reachable; a paused container answers nothing.',
    };
  }
  return { problem: message, fix: 'Check that the server is running and reachable, and that the user, password and database are right.' };
}

function userOf(url: string): string {
  try {
    return decodeURIComponent(new URL(url).username) || '(default user)';
  } catch {
    return '(unknown user)';
  }
}
