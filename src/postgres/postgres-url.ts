import { InputError } from '../errors/input-error.ts';

const postgresSchemes = new Set(['postgres:', 'postgresql:']);

/**
 * Checks a PostgreSQL URL before anything connects: a malformed URL or another database's scheme
 * is one message naming where the URL came from (`named`, e.g. `--postgres`), never echoing it
 * (it may hold a password).
 */
export function checkPostgresUrl(url: string, named: string): void {
  const form = 'postgresql://USER@HOST:PORT/DATABASE (the password in PGPASSWORD)';
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new InputError(
      `The PostgreSQL URL given as ${named} is not a valid URL. Give it as ${form}; characters such as @ : / [ in a password must be percent-encoded.`,
    );
  }
  if (!postgresSchemes.has(parsed.protocol)) {
    throw new InputError(`The URL given as ${named} is a ${parsed.protocol}// URL: dbops works with PostgreSQL only. Give it as ${form}.`);
  }
  const port = parsed.port === '' ? undefined : Number(parsed.port);
  if (port !== undefined && (!Number.isInteger(port) || port < 1 || port > 65535)) {
    throw new InputError(`The PostgreSQL URL given as ${named} has port ${parsed.port}, which is not a TCP port (1-65535).`);
  }
}
