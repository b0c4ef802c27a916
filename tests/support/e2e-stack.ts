import { randomBytes } from 'node:crypto';
import { cpSync } from 'node:fs';
import path from 'node:path';
import type { DockerodeRuntime } from '../../src/docker/dockerode-runtime.ts';
import { freePort } from './free-port.ts';
import { repoRoot, runCli } from './run-cli.ts';
import { tempDir } from './temp-dir.ts';

/**
 * An isolated copy of a stack for one test file: a unique compose project name, free ports, its
 * own SQLite directory, and the locally built images, all passed as environment overrides exactly
 * as an operator would. With `copyProject`, the env files and deployment/ are copied to a temporary
 * project directory, for commands that edit the env file (migrate, rollback).
 */
export async function e2eStack(images: { postgres: string; node: string }, options: { copyProject?: boolean } = {}) {
  const dir = tempDir('dbops-e2e-');
  const project = `dbops-e2e-${randomBytes(4).toString('hex')}`;
  const [postgresPort, apiPort] = [await freePort(), await freePort()];
  const projectDir = options.copyProject ? path.join(dir.path, 'project') : repoRoot;
  if (options.copyProject) {
    for (const entry of ['.env.development', '.env.production', 'deployment']) {
      cpSync(path.join(repoRoot, entry), path.join(projectDir, entry), { recursive: true });
    }
  }
  const env = {
    COMPOSE_PROJECT_NAME: project,
    POSTGRES_PORT: String(postgresPort),
    API_PORT: String(apiPort),
    SQLITE_PATH: path.join(dir.path, 'data', 'api_sessions.db'),
    POSTGRES_IMAGE: images.postgres,
    NODE_IMAGE: images.node,
  };
  /**
   * Runs the CLI with the stack's overrides plus `overrides`, as an operator would type it in a
   * script: --quiet, so stderr holds only warnings and errors (progress goes to stderr too).
   */
  const cliWith = (overrides: Readonly<Record<string, string>>, ...args: string[]) =>
    runCli(['--project-dir', projectDir, '--quiet', ...args], { ...env, ...overrides });
  /** The same with its progress, which goes to stderr. */
  const cliWithProgress = (overrides: Readonly<Record<string, string>>, ...args: string[]) =>
    runCli(['--project-dir', projectDir, ...args], { ...env, ...overrides });
  return {
    project,
    env,
    dir,
    projectDir,
    apiUrl: `http://127.0.0.1:${apiPort}`,
    cli: (...args: string[]) => cliWith({}, ...args),
    cliWith,
    cliWithProgress,
    /** Removes everything the stack created, even after a failed test; returns what is left. */
    async destroy(runtime: DockerodeRuntime, overrides: Readonly<Record<string, string>> = {}) {
      for (const environment of ['development', 'production']) {
        await cliWith({ POSTGRES_PASSWORD: 'cleanup-only', ...overrides }, 'down', '--env', environment, '--volumes', '--yes');
      }
      dir.remove();
      return runtime.projectResources(project);
    },
  };
}
