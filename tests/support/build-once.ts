import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { execa } from 'execa';
import { repoRoot } from './run-cli.ts';

/**
 * Vitest's global setup: the tests that run the CLI as users do start it from dist/, so dist/
 * must be built from the sources as they are. Builds when a source is newer than dist/cli.js.
 */
export default async function buildOnce(): Promise<void> {
  if (!distIsStale()) return;
  const built = await execa('npx', ['tsx', 'scripts/build.ts'], { cwd: repoRoot, reject: false, all: true });
  if (built.exitCode !== 0) throw new Error(`npm run build failed, so the CLI cannot be tested:\n${built.all}`);
}

export function distIsStale(root = repoRoot): boolean {
  const cli = path.join(root, 'dist', 'cli.js');
  if (!existsSync(cli)) return true;
  const builtAt = statSync(cli).mtimeMs;
  const inputs = [
    ...['package.json', 'tsconfig.json', 'tsconfig.build.json'].map((file) => path.join(root, file)),
    ...readdirSync(path.join(root, 'src'), { recursive: true, encoding: 'utf8' }).map((file) => path.join(root, 'src', file)),
  ];
  return inputs.some((file) => statSync(file).mtimeMs > builtAt);
}
