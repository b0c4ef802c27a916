import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { repoRoot, runCli } from '../support/run-cli.ts';

// The CLI as built into dist/ (tests/support/build-once.ts builds it). CommonJS packages appear in
// require.cache when loaded, even from ESM, so they show what start-up paid for.
const probe = `
import { createRequire } from 'node:module';
const { main } = await import('./dist/cli.js');
process.exitCode = await main(['node', 'dbops', ...JSON.parse(process.env.ARGS)], {});
const loaded = Object.keys(createRequire(import.meta.url).cache).map((f) => /node_modules\\/((?:@[^/]+\\/)?[^/]+)/.exec(f)?.[1]);
process.stderr.write(JSON.stringify([...new Set(loaded.filter(Boolean))]));
`;

async function packagesLoadedBy(args: readonly string[]): Promise<string[]> {
  const result = await execa('node', ['--input-type=module', '-e', probe], {
    cwd: repoRoot,
    env: { ARGS: JSON.stringify(args) },
    reject: false,
    stdin: 'ignore',
  });
  expect(result.exitCode).toBe(0);
  return JSON.parse(result.stderr) as string[];
}

describe('start-up loads only what the command needs', () => {
  it('--help loads neither the Docker client, the PostgreSQL driver nor SQLite', async () => {
    const loaded = await packagesLoadedBy(['--help']);
    expect(loaded).not.toContain('dockerode');
    expect(loaded).not.toContain('pg');
    expect(loaded).not.toContain('better-sqlite3');
  });

  it('transfer --help still lists every option, without loading the engine', async () => {
    const loaded = await packagesLoadedBy(['transfer', '--help']);
    expect(loaded).not.toContain('dockerode');
    expect(loaded).not.toContain('pg');
    const help = await runCli(['transfer', '--help']);
    expect(help.exitCode).toBe(0);
    for (const option of [
      '--sqlite',
      '--postgres',
      '--schema',
      '--identifiers',
      '--invalid-text',
      '--tables',
      '--exclude-tables',
      '--report',
      '--parallel',
      '--if-exists',
      '--no-verify',
    ]) {
      expect(help.stdout).toContain(option);
    }
  });
});
