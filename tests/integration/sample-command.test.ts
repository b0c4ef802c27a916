import { readdirSync } from 'node:fs';
import path from 'node:path';
import { execa } from 'execa';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { repoRoot, runCli } from '../support/run-cli.ts';
import { tempDir } from '../support/temp-dir.ts';

describe('dbops sample: bad numbers and stopping', () => {
  let dir: ReturnType<typeof tempDir>;
  beforeEach(() => (dir = tempDir('dbops-sample-')));
  afterEach(() => dir.remove());

  it.each([['-5'], ['0'], ['abc'], ['1.5'], ['12345678901234567890']])('--sessions %s is a usage error (exit 2) that writes nothing', async (value) => {
    const result = await runCli(['sample', '--out', path.join(dir.path, 'x.db'), `--sessions=${value}`]);
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toMatch(/--sessions/);
    expect(readdirSync(dir.path)).toEqual([]);
  });

  it('refuses a size that does not fit on the disk, with the estimate (exit 7)', async () => {
    const result = await runCli(['sample', '--out', path.join(dir.path, 'x.db'), '--sessions', '2000000000']);
    expect(result.exitCode).toBe(7);
    expect(result.stderr).toMatch(/needs about \d+\.\d GiB, but .* has \d+\.\d GiB free/);
    expect(readdirSync(dir.path)).toEqual([]);
  });

  it('stops on SIGTERM within seconds, exits 130 and leaves no partial file', async () => {
    const child = execa('node', [path.join(repoRoot, 'bin/dbops.js'), 'sample', '--out', path.join(dir.path, 'big.db'), '--sessions', '400000'], {
      cwd: repoRoot,
      reject: false,
      stdin: 'ignore',
    });
    // Wait until it is writing (its first progress line), then ask it to stop.
    await new Promise<void>((resolve) => child.stderr?.on('data', (chunk: Buffer) => chunk.toString().includes('sessions written') && resolve()));
    const asked = Date.now();
    child.kill('SIGTERM');
    const result = await child;
    expect(Date.now() - asked).toBeLessThan(5000);
    expect(result.exitCode).toBe(130);
    expect(result.stderr).toMatch(/Interrupted by SIGTERM after \d+ of 400000 sessions; the partial file was removed/);
    expect(readdirSync(dir.path)).toEqual([]);
  });
});
