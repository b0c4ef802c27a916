import type { Config } from '../config/config.ts';

/**
 * The api's PostgreSQL URL, as seen inside the compose network. It never carries the password:
 * the api receives that as PGPASSWORD, so the URL can stand in a committed env file.
 */
export function appPostgresUrl(config: Config): string {
  const { host, user, database } = config.postgres;
  return `postgresql://${encodeURIComponent(user)}@${host}:5432/${encodeURIComponent(database)}`;
}

export const isPostgresUrl = (url: string): boolean => /^postgres(ql)?:\/\//.test(url);
