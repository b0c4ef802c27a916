import { existsSync } from 'node:fs';
import path from 'node:path';
import { repoRoot } from './run-cli.ts';

/**
 * The shared public SQLite databases: `../shared/datasets` beside the checkout (as on the
 * development and CI machines), or DBOPS_DATASETS. Elsewhere (a user's clone) the tests that need
 * them are skipped with one line saying where to get them; under CI their absence is a failure.
 */
export function datasetsDirectory(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const dir = env.DBOPS_DATASETS ?? path.resolve(repoRoot, '../shared/datasets');
  if (existsSync(path.join(dir, 'chinook.sqlite'))) return dir;
  const where = `The shared datasets are not at ${dir}. Put the shared/ folder beside the checkout, or set DBOPS_DATASETS.`;
  if (env.CI) throw new Error(`${where} CI runs every test.`);
  console.warn(`Skipping the tests of the public datasets: ${where}`);
  return undefined;
}
