import type { ConfigKey } from './config-keys.ts';
import type { Environment } from './environment.ts';

export interface PostgresSettings {
  /** Host name the api uses inside the compose network. */
  readonly host: string;
  /** Port published on 127.0.0.1 of the host. */
  readonly port: number;
  readonly database: string;
  readonly user: string;
  readonly password: string;
}

/** Validated, frozen configuration of one environment. Built only by loadConfig. */
export interface Config {
  readonly environment: Environment;
  readonly rootDir: string;
  readonly envFile: string;
  readonly composeFile: string;
  readonly composeProject: string;
  /** The api's DATABASE_URL, as seen inside the api container. */
  readonly databaseUrl: string;
  /** The DATABASE_URL before `dbops migrate` switched it, when a migration can be rolled back. */
  readonly previousDatabaseUrl: string | undefined;
  /** Absolute host path of the application's SQLite file. */
  readonly sqlitePath: string;
  readonly postgres: PostgresSettings;
  readonly apiPort: number;
  /** Absolute host path where backups are written. */
  readonly backupDir: string;
  readonly images: Readonly<{ postgres: string; node: string }>;
  /** Where each key's value came from, for error messages. */
  readonly sources: Readonly<Record<ConfigKey, string>>;
}
