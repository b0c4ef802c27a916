import { copyFileSync, existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { execa } from 'execa';
import { beforeAll, describe, expect, it } from 'vitest';
import { generateSample } from '../../src/sample/generate-sample.ts';
import { repoRoot } from '../support/run-cli.ts';
import { freshDatabase, localServerAndDir } from './transfer-fixtures.ts';

// Preloaded into the CLI: which packages it loaded (CommonJS ones appear in require.cache, even
// when imported from ESM) and which files it started worker threads from.
const probe = `
const threads = require('node:worker_threads');
const started = [];
if (threads.isMainThread) {
  const Original = threads.Worker;
  threads.Worker = class extends Original {
    constructor(file, options) {
      started.push(options && options.eval ? 'eval' : String(file));
      super(file, options);
    }
  };
  require('node:module').syncBuiltinESMExports();
  process.on('exit', () => {
    const loaded = Object.keys(require.cache).map((f) => /node_modules\\/((?:@[^/]+\\/)?[^/]+)/.exec(f)?.[1]).filter(Boolean);
    process.stderr.write('\\nPROBE ' + JSON.stringify({ loaded: [...new Set(loaded)], started }) + '\\n');
  });
}
`;

interface Probed {
  readonly exitCode: number | undefined;
  readonly stdout: string;
  readonly loaded: string[];
  readonly started: string[];
}

describe('the built CLI (npm run build into dist/)', () => {
  const local = localServerAndDir('dbops-build-');
  let probeFile: string;

  beforeAll(() => {
    probeFile = path.join(local.dir, 'probe.cjs');
    writeFileSync(probeFile, probe);
  });

  async function probed(args: readonly string[], env: Record<string, string> = {}): Promise<Probed> {
    const result = await execa('node', ['--require', probeFile, path.join(repoRoot, 'bin/dbops.js'), ...args], {
      cwd: repoRoot,
      env,
      reject: false,
      stdin: 'ignore',
    });
    const line = /^PROBE (.*)$/m.exec(result.stderr)?.[1];
    expect(line, result.stderr).toBeDefined();
    return { exitCode: result.exitCode, stdout: result.stdout, ...(JSON.parse(line ?? '{}') as { loaded: string[]; started: string[] }) };
  }

  it('holds the CLI and every worker script src/ starts', () => {
    const workers = readdirSync(path.join(repoRoot, 'src'), { recursive: true, encoding: 'utf8' })
      .filter((file) => file.endsWith('.ts'))
      .flatMap((file) =>
        [...readFileSync(path.join(repoRoot, 'src', file), 'utf8').matchAll(/startTypeScriptWorker\(new URL\('\.\/([^']+)\.ts'/g)].map((m) =>
          path.join(path.dirname(file), `${m[1]}.js`),
        ),
      );
    expect(workers.sort()).toEqual([path.join('sqlite', 'source-reader-worker.js'), path.join('transfer', 'encode-table-worker.js')]);
    for (const file of ['cli.js', ...workers]) expect(existsSync(path.join(repoRoot, 'dist', file)), file).toBe(true);
  });

  it('--help loads neither a TypeScript tool nor what the commands need later', async () => {
    const help = await probed(['transfer', '--help']);
    expect(help.exitCode).toBe(0);
    expect(help.stdout).toContain('--sqlite');
    expect(help.loaded).toContain('commander');
    for (const heavy of ['esbuild', 'tsx', 'dockerode', 'pg', 'better-sqlite3']) expect(help.loaded).not.toContain(heavy);
  });

  it('a transfer starts its worker threads from dist/, without esbuild or tsx', async () => {
    const sqlite = (await generateSample({ out: path.join(local.dir, 'api_sessions.db'), sessions: 300, messagesPerSession: 4, seed: 5, overwrite: false }))
      .path;
    const url = new URL(await freshDatabase(local.server, 'built_cli'));
    const password = decodeURIComponent(url.password);
    url.password = '';
    const transfer = await probed(['transfer', '--sqlite', sqlite, '--postgres', url.toString(), '--encoder-thread', '--reader-thread'], {
      PGPASSWORD: password,
    });
    expect(transfer.exitCode).toBe(0);
    expect(transfer.stdout).toMatch(/messages\s+1200 .*equal \(count \+ digest\)/);
    expect(transfer.started.length).toBeGreaterThan(0);
    for (const started of transfer.started) expect(started).toMatch(new RegExp(`^file://${repoRoot}/dist/.*-worker\\.js$`));
    expect(transfer.loaded).not.toContain('esbuild');
    expect(transfer.loaded).not.toContain('tsx');
  });

  it('without dist/, says once how to build it', async () => {
    const bare = path.join(local.dir, 'unbuilt');
    mkdirSync(path.join(bare, 'bin'), { recursive: true });
    copyFileSync(path.join(repoRoot, 'bin/dbops.js'), path.join(bare, 'bin/dbops.js'));
    const result = await execa('node', [path.join(bare, 'bin/dbops.js'), '--help'], { reject: false, stdin: 'ignore' });
    expect(result.exitCode).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr).toBe(
      `dbops: ${path.join(bare, 'dist/cli.js')} is missing: dbops is not built. Run \`npm ci\` (or \`npm run build\`) in ${bare}/.\n`.trimEnd(),
    );
  });

  it('esbuild and tsx are development dependencies only', () => {
    const manifest = JSON.parse(readFileSync(path.join(repoRoot, 'package.json'), 'utf8')) as Record<string, Record<string, string>>;
    for (const tool of ['esbuild', 'tsx']) {
      expect(manifest.dependencies).not.toHaveProperty(tool);
      expect(manifest.devDependencies).toHaveProperty(tool);
    }
  });
});
