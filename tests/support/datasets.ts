import { existsSync } from 'node:fs';
import path from 'node:path';
import { repoRoot } from './run-cli.ts';

/**
 * The shared public SQLite databases: `../shared/datasets` beside the checkout (as on the
 * development and CI machines), or DBOPS_DATASETS. Missing datasets fail the tests, never skip them.
 */
export function datasetsDirectory(env: NodeJS.ProcessEnv = process.env): string {
  const dir = env.DBOPS_DATASETS ?? path.resolve(repoRoot, '../shared/datasets');
  if (!existsSync(path.join(dir, 'chinook.sqlite'))) {
    throw new Error(`The shared datasets are not at ${dir}. Put the shared/ folder beside the checkout, or set DBOPS_DATASETS.`);
  }
  return dir;
}
