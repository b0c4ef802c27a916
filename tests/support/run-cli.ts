import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

export interface CliResult {
  readonly exitCode: number | undefined;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs the dbops CLI the way a user does (node bin/dbops.js), from the repository root. */
export async function runCli(args: readonly string[], env: Readonly<Record<string, string>> = {}): Promise<CliResult> {
  const result = await execa('node', [path.join(repoRoot, 'bin/dbops.js'), ...args], {
    cwd: repoRoot,
    env,
    extendEnv: true,
    reject: false,
    stdin: 'ignore',
  });
  return { exitCode: result.exitCode, stdout: result.stdout, stderr: result.stderr };
}

/**
 * Runs a CLI command against a PostgreSQL URL the way a careful user does: the URL without its
 * password as `--postgres`, the password in PGPASSWORD (arguments are visible to every user).
 */
export function runCliOn(postgresUrl: string, args: readonly string[]): Promise<CliResult> {
  const { bare, env } = splitPassword(postgresUrl);
  return runCli([...args, '--postgres', bare], env);
}

/** The CLI against a PostgreSQL URL as a running child process, for tests that act on it while it runs (kill it, close its output). */
export function spawnCliOn(postgresUrl: string, args: readonly string[], options: { stderr?: 'pipe' | 'ignore' } = {}) {
  const { bare, env } = splitPassword(postgresUrl);
  return execa('node', [path.join(repoRoot, 'bin/dbops.js'), ...args, '--postgres', bare], {
    cwd: repoRoot,
    env,
    extendEnv: true,
    reject: false,
    stdin: 'ignore',
    stderr: options.stderr ?? 'pipe',
  });
}

function splitPassword(postgresUrl: string): { bare: string; env: Record<string, string> } {
  const parsed = new URL(postgresUrl);
  const password = decodeURIComponent(parsed.password);
  parsed.password = '';
  return { bare: parsed.toString(), env: password ? { PGPASSWORD: password } : {} };
}
