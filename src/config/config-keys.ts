import { z } from 'zod';

const port = z.coerce
  .number({ message: 'must be a number' })
  .int('must be a whole number')
  .min(1, 'must be between 1 and 65535')
  .max(65535, 'must be between 1 and 65535');

const identifier = z
  .string()
  .regex(/^[A-Za-z_][A-Za-z0-9_]{0,62}$/, 'must be a PostgreSQL name: letters, digits and _, not starting with a digit, at most 63 characters');

const nonEmpty = z.string().min(1, 'must not be empty');

/** Every key dbops reads, with its validation. The process environment may override each of them. */
export const configKeys = Object.freeze({
  DATABASE_URL: z.string().regex(/^(sqlite:\/\/\/|postgres(ql)?:\/\/)/, 'must start with sqlite:/// or postgresql://'),
  POSTGRES_HOST: z.string().regex(/^[A-Za-z0-9._-]+$/, 'must be a host name'),
  POSTGRES_PORT: port,
  POSTGRES_DB: identifier,
  POSTGRES_USER: identifier,
  POSTGRES_PASSWORD: z.string(),
  SQLITE_PATH: nonEmpty,
  COMPOSE_PROJECT_NAME: z.string().regex(/^[a-z0-9][a-z0-9_-]*$/, 'must be lower-case letters, digits, - and _, starting with a letter or digit'),
  API_PORT: port,
  BACKUP_DIR: nonEmpty,
  POSTGRES_IMAGE: nonEmpty,
  NODE_IMAGE: nonEmpty,
});

/** Written by `dbops migrate`, read by `dbops rollback`: the DATABASE_URL before the switch. */
export const previousDatabaseUrlKey = 'DBOPS_PREVIOUS_DATABASE_URL';

export type ConfigKey = keyof typeof configKeys;

export const configKeyNames = Object.freeze(Object.keys(configKeys) as ConfigKey[]);
