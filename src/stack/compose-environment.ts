import path from 'node:path';
import type { Config } from '../config/config.ts';

/** The variables the compose files interpolate, built from a Config. Holds the password: never print it. */
export function composeEnvironment(config: Config, databaseUrl: string = config.databaseUrl): Readonly<Record<string, string>> {
  return Object.freeze({
    COMPOSE_PROJECT_NAME: config.composeProject,
    POSTGRES_IMAGE: config.images.postgres,
    NODE_IMAGE: config.images.node,
    POSTGRES_DB: config.postgres.database,
    POSTGRES_USER: config.postgres.user,
    POSTGRES_PASSWORD: config.postgres.password,
    POSTGRES_PORT: String(config.postgres.port),
    API_PORT: String(config.apiPort),
    DATABASE_URL: databaseUrl,
    DBOPS_DATA_DIR: path.dirname(config.sqlitePath),
  });
}
