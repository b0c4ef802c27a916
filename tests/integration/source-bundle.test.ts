import { existsSync, mkdirSync, readdirSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { execa } from 'execa';
import { afterAll, describe, expect, it } from 'vitest';
import { cliBundle } from '../../bin/source-bundle.js';
import { repoRoot } from '../support/run-cli.ts';
import { tempDir } from '../support/temp-dir.ts';

interface BundledCli {
  main: () => Promise<{ here: string; later: string; version: number }>;
}

describe('bin/dbops.js runs a bundle of the sources as they are', () => {
  const dir = tempDir('dbops-bundle-');
  afterAll(() => dir.remove());
  const root = dir.path;
  const write = (file: string, text: string) => {
    mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
    writeFileSync(path.join(root, file), text);
  };
  const bundles = () => readdirSync(path.join(root, 'node_modules', '.cache', 'dbops'));

  it('bundles src/cli.ts, each module keeping its own import.meta.url, and bundles again only when a source changes', async () => {
    write('package.json', '{"type": "module"}');
    write('src/lib/where.ts', 'export const here: string = import.meta.url;\nexport const version: number = 1;\n');
    write('src/lib/later.ts', "export const later: string = new URL('./sibling.txt', import.meta.url).href;\n");
    write('src/cli.ts', "import { here, version } from './lib/where.ts';\nexport async function main() {\n  const { later } = await import('./lib/later.ts');\n  return { here, later, version };\n}\n");

    const first = await cliBundle(root);
    const run = async (url: string) => ((await import(url)) as BundledCli).main();
    expect(await run(first)).toEqual({
      here: pathToFileURL(path.join(root, 'src/lib/where.ts')).href,
      later: pathToFileURL(path.join(root, 'src/lib/sibling.txt')).href,
      version: 1,
    });
    const built = statSync(path.dirname(fileURLToPath(first))).mtimeMs;
    expect(await cliBundle(root)).toBe(first);
    expect(statSync(path.dirname(fileURLToPath(first))).mtimeMs).toBe(built);

    write('src/lib/where.ts', 'export const here: string = import.meta.url;\nexport const version: number = 2;\n');
    const second = await cliBundle(root);
    expect(second).not.toBe(first);
    expect((await run(second)).version).toBe(2);
    // The bundle of the earlier sources stays (a command started before the change may still load
    // chunks from it) until it is a day old.
    const name = (url: string) => path.basename(path.dirname(fileURLToPath(url)));
    expect(bundles().sort()).toEqual([name(first), name(second)].sort());
    const twoDaysAgo = new Date(Date.now() - 2 * 24 * 60 * 60 * 1000);
    utimesSync(path.dirname(fileURLToPath(first)), twoDaysAgo, twoDaysAgo);
    write('src/lib/where.ts', 'export const here: string = import.meta.url;\nexport const version: number = 3;\n');
    const third = await cliBundle(root);
    expect(bundles().sort()).toEqual([name(second), name(third)].sort());
  });

  it('starts without loading what the command does not need, and leaves its bundle in node_modules/.cache/dbops', async () => {
    const probe = path.join(root, 'probe.cjs');
    // CommonJS packages appear in require.cache when loaded, even from ESM.
    writeFileSync(
      probe,
      "process.on('exit', () => process.stderr.write('LOADED ' + JSON.stringify([...new Set(Object.keys(require.cache).map((f) => /node_modules\\/((?:@[^/]+\\/)?[^/]+)/.exec(f)?.[1]).filter(Boolean))])));",
    );
    const run = () => execa('node', ['--require', probe, path.join(repoRoot, 'bin/dbops.js'), 'transfer', '--help'], { cwd: repoRoot, reject: false, stdin: 'ignore' });
    // The first run after a change of the sources bundles them (with esbuild); the next only loads the bundle.
    expect((await run()).exitCode).toBe(0);
    const result = await run();
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toContain('--sqlite');
    const loaded = JSON.parse(/LOADED (.*)$/m.exec(result.stderr)?.[1] ?? '[]') as string[];
    // esbuild is loaded to bundle, and by tsx, which runs the sources where no bundle can be written.
    expect(loaded).toContain('commander');
    expect(loaded).not.toContain('esbuild');
    expect(loaded).not.toContain('dockerode');
    expect(loaded).not.toContain('pg');
    expect(readdirSync(path.join(repoRoot, 'node_modules', '.cache', 'dbops')).some((f) => /^cli-[0-9a-f]{16}$/.test(f) && existsSync(path.join(repoRoot, 'node_modules', '.cache', 'dbops', f, 'cli.mjs')))).toBe(true);
  });
});
