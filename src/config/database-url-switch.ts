import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'dotenv';
import type { Config } from './config.ts';
import { previousDatabaseUrlKey } from './config-keys.ts';
import { updateEnvFile, type EnvUpdates } from './env-file-edit.ts';

/** A change to DATABASE_URL that can be undone exactly (keys that were absent become absent again). */
export interface UrlSwitch {
  /** The file that was edited. */
  readonly file: string;
  undo(): void;
}

const switchKeys = ['DATABASE_URL', previousDatabaseUrlKey] as const;

/** `.env.<environment>.local`: git-ignored, this machine's own. The switch is this machine's state, so it goes there. */
export function localEnvFile(config: Config): string {
  return `${config.envFile}.local`;
}

/**
 * Points the api at `url`: DATABASE_URL in the git-ignored .local file (it wins over the committed
 * env file), with the URL in use now kept as DBOPS_PREVIOUS_DATABASE_URL for rollback. The
 * committed file is never written, so `git status` stays clean after a migration.
 */
export function switchDatabaseUrl(config: Config, url: string): UrlSwitch {
  return edit(localEnvFile(config), { DATABASE_URL: url, [previousDatabaseUrlKey]: config.databaseUrl });
}

/**
 * Rollback: DATABASE_URL back to `previousUrl`, in the file that holds the switch (the .local file;
 * or the env file itself after a migration by an older dbops). When the committed file already
 * says `previousUrl`, the .local keys are removed instead, so the committed value rules again.
 */
export function switchBack(config: Config, previousUrl: string): UrlSwitch {
  const local = localEnvFile(config);
  if (config.sources.DATABASE_URL !== path.basename(local)) return edit(config.envFile, { DATABASE_URL: previousUrl, [previousDatabaseUrlKey]: undefined });
  const committed = parse(readFileSync(config.envFile)).DATABASE_URL;
  return edit(local, { DATABASE_URL: committed === previousUrl ? undefined : previousUrl, [previousDatabaseUrlKey]: undefined });
}

function edit(file: string, updates: EnvUpdates): UrlSwitch {
  const before = existsSync(file) ? parse(readFileSync(file)) : {};
  const restore: EnvUpdates = Object.fromEntries(switchKeys.map((key) => [key, before[key]]));
  updateEnvFile(file, updates);
  return { file, undo: () => updateEnvFile(file, restore) };
}
