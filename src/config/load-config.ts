import { existsSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'dotenv';
import { ConfigError } from '../errors/config-error.ts';
import type { Config } from './config.ts';
import { configKeyNames, configKeys, previousDatabaseUrlKey, type ConfigKey } from './config-keys.ts';
import { shortName, type Environment } from './environment.ts';
import { isPlaceholderSecret } from './placeholder-secret.ts';

export interface LoadConfigOptions {
  readonly environment: Environment;
  /** The project directory holding `.env.<environment>` and `deployment/`. */
  readonly rootDir: string;
  /** The process environment; it overrides every key of the files. */
  readonly env: Readonly<Record<string, string | undefined>>;
}

interface RawValue {
  readonly value: string;
  readonly source: string;
}

/**
 * Loads `.env.<environment>`, then the git-ignored `.env.<environment>.local`, then the process
 * environment (later wins), validates every key, and returns a frozen Config.
 */
export function loadConfig({ environment, rootDir, env }: LoadConfigOptions): Config {
  const envFileName = `.env.${environment}`;
  const envFile = path.join(rootDir, envFileName);
  if (!existsSync(envFile)) {
    throw new ConfigError(
      envFileName,
      rootDir,
      'does not exist',
      `Run dbops from the project directory, or create ${envFileName} (see README, "Configuration").`,
    );
  }
  const raw = new Map<ConfigKey, RawValue>();
  let previousDatabaseUrl: string | undefined;
  const layer = (values: Readonly<Record<string, string | undefined>>, source: string): void => {
    for (const key of configKeyNames) {
      const value = values[key];
      if (value !== undefined) raw.set(key, { value, source });
    }
    previousDatabaseUrl = values[previousDatabaseUrlKey] ?? previousDatabaseUrl;
  };
  layer(parse(readEnvFile(envFile, envFileName, rootDir)), envFileName);
  const localFileName = `${envFileName}.local`;
  const localFile = path.join(rootDir, localFileName);
  if (existsSync(localFile)) layer(parse(readEnvFile(localFile, localFileName, rootDir)), localFileName);
  layer(env, 'the environment');

  const value = <K extends ConfigKey>(key: K) => {
    const entry = raw.get(key);
    if (!entry) {
      throw new ConfigError(key, envFileName, 'is missing', `Add ${key}=... to ${envFileName} or set it in the environment.`);
    }
    const parsed = configKeys[key].safeParse(entry.value);
    if (!parsed.success) {
      const problem = parsed.error.issues[0]?.message ?? 'is invalid';
      throw new ConfigError(key, entry.source, `${problem} (got "${shownValue(key, entry.value)}")`, `Fix ${key} in ${entry.source}.`);
    }
    return parsed.data as ReturnType<(typeof configKeys)[K]['parse']>;
  };
  const sourceOf = (key: ConfigKey): string => raw.get(key)?.source ?? envFileName;

  const databaseUrl = value('DATABASE_URL');
  const sqlitePath = path.resolve(rootDir, value('SQLITE_PATH'));
  checkDatabaseUrl(databaseUrl, sourceOf('DATABASE_URL'), sqlitePath);
  const password = value('POSTGRES_PASSWORD');
  if (isPlaceholderSecret(password)) {
    throw new ConfigError(
      'POSTGRES_PASSWORD',
      sourceOf('POSTGRES_PASSWORD'),
      password.trim() === '' ? 'is empty' : 'is still a placeholder',
      `dbops will not touch the ${environment} database with it. Set POSTGRES_PASSWORD in the environment ` +
        `or in the git-ignored ${localFileName} (never in ${envFileName}, which is committed).`,
    );
  }

  const sources = Object.fromEntries(configKeyNames.map((key) => [key, sourceOf(key)])) as Record<ConfigKey, string>;
  return deepFreeze({
    environment,
    rootDir,
    envFile,
    composeFile: path.join(rootDir, 'deployment', `docker-compose.${shortName(environment)}.yml`),
    composeProject: value('COMPOSE_PROJECT_NAME'),
    databaseUrl,
    previousDatabaseUrl: previousDatabaseUrl || undefined,
    sqlitePath,
    postgres: {
      host: value('POSTGRES_HOST'),
      port: value('POSTGRES_PORT'),
      database: value('POSTGRES_DB'),
      user: value('POSTGRES_USER'),
      password,
    },
    apiPort: value('API_PORT'),
    backupDir: path.resolve(rootDir, value('BACKUP_DIR')),
    images: { postgres: value('POSTGRES_IMAGE'), node: value('NODE_IMAGE') },
    sources,
  });
}

/** Reads an env file that must be a regular file: reading a FIFO would block for ever. */
function readEnvFile(file: string, name: string, rootDir: string): Buffer {
  if (!statSync(file).isFile()) {
    throw new ConfigError(name, rootDir, 'is not a regular file', `Replace ${name} with a regular file of KEY=value lines.`);
  }
  return readFileSync(file);
}

function shownValue(key: ConfigKey, value: string): string {
  return key === 'POSTGRES_PASSWORD' || key === 'DATABASE_URL' ? '<hidden>' : value;
}

/**
 * The api sees the SQLite file's directory mounted at ./data, so a sqlite DATABASE_URL must name
 * the same file as SQLITE_PATH; and a committed PostgreSQL URL must not carry the password.
 */
function checkDatabaseUrl(databaseUrl: string, source: string, sqlitePath: string): void {
  if (databaseUrl.startsWith('sqlite:///')) {
    const expected = `sqlite:///./data/${path.basename(sqlitePath)}`;
    if (databaseUrl !== expected) {
      throw new ConfigError(
        'DATABASE_URL',
        source,
        `is ${databaseUrl}, but the api container sees the directory of SQLITE_PATH at ./data`,
        `Set DATABASE_URL=${expected} so the api and dbops use the same file.`,
      );
    }
    return;
  }
  const url = new URL(databaseUrl);
  if (url.password) {
    throw new ConfigError(
      'DATABASE_URL',
      source,
      'contains a password',
      'Remove it from the URL: dbops passes POSTGRES_PASSWORD to the api separately, so the URL can be committed safely.',
    );
  }
}

function deepFreeze<T extends object>(value: T): T {
  for (const child of Object.values(value)) {
    if (child !== null && typeof child === 'object') deepFreeze(child as object);
  }
  return Object.freeze(value);
}
