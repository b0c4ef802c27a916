// @ts-check
import path from 'node:path';

/**
 * @typedef {{ backend: 'sqlite', file: string }} SqliteTarget
 * @typedef {{ backend: 'postgresql', connectionString: string, host: string, port: string, database: string, password: string }} PostgresTarget
 * @typedef {SqliteTarget | PostgresTarget} DatabaseTarget
 * @typedef {{ readonly host: string, readonly port: number, readonly database: Readonly<DatabaseTarget> }} ApiConfig
 */

export class ConfigError extends Error {
  /**
   * @param {string} variable
   * @param {string} problem
   */
  constructor(variable, problem) {
    super(`${variable}: ${problem}`);
    this.name = 'ConfigError';
    this.variable = variable;
  }
}

const DEFAULT_PORT = 8000;

/**
 * Reads the environment once; the rest of the app only sees the frozen result.
 * @param {Record<string, string | undefined>} env
 * @param {string} cwd  base for relative SQLite paths (the container's WORKDIR, /app)
 * @returns {ApiConfig}
 */
export function loadConfig(env, cwd) {
  const url = env.DATABASE_URL?.trim();
  if (!url) throw new ConfigError('DATABASE_URL', 'is required (sqlite:///./data/app.db or postgresql://user:pass@host:5432/db)');
  return Object.freeze({
    host: env.HOST?.trim() || '0.0.0.0',
    port: parsePort(env.PORT),
    database: Object.freeze(parseDatabaseUrl(url, cwd)),
  });
}

/** @param {string | undefined} raw */
function parsePort(raw) {
  if (raw === undefined || raw.trim() === '') return DEFAULT_PORT;
  const value = raw.trim();
  const port = Number(value);
  if (!/^\d+$/.test(value) || port < 1 || port > 65535) {
    throw new ConfigError('PORT', `must be an integer from 1 to 65535, got "${value}"`);
  }
  return port;
}

/**
 * Accepts the SQLAlchemy spellings the application's own .env uses, so the same file works here:
 * `sqlite:///relative.db`, `sqlite:////absolute.db`, `postgresql://`, `postgres://` and
 * `postgresql+<driver>://` (the driver suffix is dropped).
 * @param {string} url
 * @param {string} cwd
 * @returns {DatabaseTarget}
 */
export function parseDatabaseUrl(url, cwd) {
  const separator = url.indexOf('://');
  const scheme = separator < 0 ? '' : url.slice(0, separator).toLowerCase();
  if (scheme === 'sqlite') return parseSqliteUrl(url, cwd);
  if (scheme === 'postgresql' || scheme === 'postgres' || scheme.startsWith('postgresql+')) {
    return parsePostgresUrl(`postgresql${url.slice(scheme.length)}`);
  }
  throw new ConfigError('DATABASE_URL', `unsupported scheme "${scheme || url.split(':')[0]?.slice(0, 20)}"; use sqlite:/// or postgresql://`);
}

/**
 * @param {string} url
 * @param {string} cwd
 * @returns {SqliteTarget}
 */
function parseSqliteUrl(url, cwd) {
  const prefix = 'sqlite:///';
  if (!url.toLowerCase().startsWith(prefix)) {
    throw new ConfigError('DATABASE_URL', 'a SQLite URL has three slashes before a relative path (sqlite:///./data/app.db) and four before an absolute one (sqlite:////data/app.db)');
  }
  // Query options such as ?check_same_thread=false belong to the Python driver; they mean nothing here.
  const file = url.slice(prefix.length).split('?')[0] ?? '';
  if (file === '' || file === ':memory:') {
    throw new ConfigError('DATABASE_URL', 'needs a SQLite file path, not an empty or in-memory database');
  }
  return { backend: 'sqlite', file: path.resolve(cwd, file) };
}

/**
 * @param {string} url
 * @returns {PostgresTarget}
 */
function parsePostgresUrl(url) {
  /** @type {URL} */
  let parsed;
  try {
    parsed = new URL(url);
  } catch {
    // The URL itself may hold a password: never echo it.
    throw new ConfigError('DATABASE_URL', 'is not a valid postgresql:// URL (check that special characters in the password are percent-encoded)');
  }
  const database = decodeURIComponent(parsed.pathname.replace(/^\//, ''));
  if (!parsed.hostname) throw new ConfigError('DATABASE_URL', 'a postgresql:// URL needs a host');
  if (!database) throw new ConfigError('DATABASE_URL', 'a postgresql:// URL needs a database name after the host');
  return {
    backend: 'postgresql',
    connectionString: url,
    host: parsed.hostname,
    port: parsed.port || '5432',
    database,
    password: decodeURIComponent(parsed.password),
  };
}

/**
 * What may be logged about the target: never the URL, user or password.
 * @param {DatabaseTarget} target
 */
export function describeTarget(target) {
  return target.backend === 'sqlite'
    ? `backend=sqlite file=${target.file}`
    : `backend=postgresql host=${target.host}:${target.port} database=${target.database}`;
}
