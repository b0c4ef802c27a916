import { randomBytes } from 'node:crypto';
import { cpSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { DockerodeRuntime } from '../../src/docker/dockerode-runtime.ts';
import { freePort } from './free-port.ts';
import { repoRoot, runCli } from './run-cli.ts';
import { tempDir } from './temp-dir.ts';

/**
 * The env files a test stack starts from: written by the test, never read from the working tree,
 * where `make migrate-dev` or an operator's edits may have changed them.
 */
export const testEnvFiles: Readonly<Record<string, string>> = {
  '.env.development': [
    'COMPOSE_PROJECT_NAME=lawfirm-dev',
    'DATABASE_URL=sqlite:///./data/api_sessions.db',
    'SQLITE_PATH=./data/api_sessions.db',
    'POSTGRES_HOST=postgres',
    'POSTGRES_PORT=5433',
    'POSTGRES_DB=lawfirm',
    'POSTGRES_USER=lawfirm',
    'POSTGRES_PASSWORD=lawfirm_dev_only',
    'API_PORT=8000',
    'BACKUP_DIR=./backups/development',
    'POSTGRES_IMAGE=postgres:16',
    'NODE_IMAGE=node:20-bookworm-slim',
    '',
  ].join('\n'),
  '.env.production': [
    'COMPOSE_PROJECT_NAME=lawfirm-prod',
    'DATABASE_URL=sqlite:///./data/api_sessions.db',
    'SQLITE_PATH=./data/api_sessions.db',
    'POSTGRES_HOST=postgres',
    'POSTGRES_PORT=5432',
    'POSTGRES_DB=lawfirm',
    'POSTGRES_USER=lawfirm',
    'POSTGRES_PASSWORD=CHANGE_ME',
    'API_PORT=8000',
    'BACKUP_DIR=./backups/production',
    'POSTGRES_IMAGE=postgres:16',
    'NODE_IMAGE=node:20-bookworm-slim',
    '',
  ].join('\n'),
};

/**
 * An isolated stack for one test file, in a temporary project directory of its own: the
 * repository's deployment/ (the real compose files and api), the test's own env files, a unique
 * compose project name, free ports, its own SQLite directory, and the locally built images, all
 * passed as environment overrides exactly as an operator would.
 */
export async function e2eStack(images: { postgres: string; node: string }) {
  const dir = tempDir('dbops-e2e-');
  const project = `dbops-e2e-${randomBytes(4).toString('hex')}`;
  const [postgresPort, apiPort] = [await freePort(), await freePort()];
  const projectDir = path.join(dir.path, 'project');
  cpSync(path.join(repoRoot, 'deployment'), path.join(projectDir, 'deployment'), { recursive: true });
  for (const [name, content] of Object.entries(testEnvFiles)) writeFileSync(path.join(projectDir, name), content);
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
  const envFiles = (environment = 'development') => {
    const read = (name: string) => (existsSync(path.join(projectDir, name)) ? readFileSync(path.join(projectDir, name), 'utf8') : '');
    return { committed: read(`.env.${environment}`), local: read(`.env.${environment}.local`) };
  };
  return {
    project,
    /** The env file as committed and the git-ignored .local file beside it, as text ('' when absent). */
    envFiles,
    /** DATABASE_URL as dbops and the api get it: the .local file's value over the committed file's. */
    databaseUrl: (environment = 'development') => {
      const { committed, local } = envFiles(environment);
      const pick = (text: string) => /^DATABASE_URL=(.*)$/m.exec(text)?.[1];
      return pick(local) ?? pick(committed);
    },
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
