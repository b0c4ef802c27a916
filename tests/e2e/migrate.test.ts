import { readFileSync } from 'node:fs';
import path from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ExitCode } from '../../src/errors/exit-codes.ts';
import { dockerForTests } from '../support/docker-for-tests.ts';
import { e2eStack, testEnvFiles } from '../support/e2e-stack.ts';
import { repoRoot } from '../support/run-cli.ts';

const docker = await dockerForTests();

const health = async (apiUrl: string) => (await fetch(`${apiUrl}/health`)).json() as Promise<{ backend: string; sessions: number }>;

describe.skipIf(!docker.ready)('migrate and rollback on a real Docker engine', () => {
  if (!docker.ready) return;
  let stack: Awaited<ReturnType<typeof e2eStack>>;

  beforeAll(async () => {
    stack = await e2eStack(docker.images);
    expect((await stack.cli('sample', '--out', stack.env.SQLITE_PATH, '--sessions', '240', '--messages-per-session', '5')).exitCode).toBe(0);
    const up = await stack.cli('up', '--env', 'development');
    expect(up.stderr).toBe('');
    expect(await health(stack.apiUrl)).toMatchObject({ backend: 'sqlite', sessions: 240 });
  });

  afterAll(async () => {
    expect(await stack.destroy(docker.runtime)).toEqual({ containers: [], networks: [], volumes: [] });
  });

  it('fails cleanly when the SQLite file is missing, and the api keeps serving SQLite', async () => {
    const result = await stack.cliWith({ SQLITE_PATH: path.join(stack.dir.path, 'missing', 'api_sessions.db') }, 'migrate', '--env', 'development');
    expect(result.exitCode).toBe(ExitCode.input);
    expect(result.stderr).toMatch(/Step "Check the SQLite file" failed: The SQLite file .*missing\/api_sessions\.db does not exist/);
    expect(result.stderr).toMatch(/api was not touched/);
    expect(await health(stack.apiUrl)).toMatchObject({ backend: 'sqlite', sessions: 240 });
  });

  it('fails cleanly when the Docker engine does not answer', async () => {
    const result = await stack.cliWith({ DOCKER_HOST: `unix://${path.join(stack.dir.path, 'no-such-docker.sock')}` }, 'migrate', '--env', 'development');
    expect(result.exitCode).toBe(ExitCode.docker);
    expect(result.stderr).toMatch(/The Docker engine at .*no-such-docker\.sock did not answer/);
    expect(await health(stack.apiUrl)).toMatchObject({ backend: 'sqlite', sessions: 240 });
  });

  it('fails cleanly with a wrong password, naming the step, and the api keeps serving SQLite', async () => {
    const result = await stack.cliWith({ POSTGRES_PASSWORD: 'not-the-password' }, 'migrate', '--env', 'development');
    expect(result.exitCode).not.toBe(0);
    expect(result.stderr).toMatch(/Step "Initialise: database, role and password" failed: .*password authentication failed/);
    expect(result.stderr).not.toContain('not-the-password');
    expect(stack.databaseUrl()).toBe('sqlite:///./data/api_sessions.db');
    expect(await health(stack.apiUrl)).toMatchObject({ backend: 'sqlite', sessions: 240 });
  });

  it.each(['SIGINT', 'SIGHUP'] as const)(
    '%s during a migration (Ctrl-C sends SIGINT, a dropped SSH session SIGHUP) finishes the step, then puts the api back on SQLite',
    async (signal) => {
      const child = execa('node', [path.join(repoRoot, 'bin/dbops.js'), '--project-dir', stack.projectDir, 'migrate', '--env', 'development'], {
        env: stack.env,
        extendEnv: true,
        reject: false,
        stdin: 'ignore',
      });
      let sent = false;
      // Progress goes to stderr.
      child.stderr?.on('data', (chunk: Buffer) => {
        if (!sent && chunk.toString().includes('Stop the api')) {
          sent = true;
          child.kill(signal);
        }
      });
      const result = await child;
      expect(sent).toBe(true);
      expect(result.exitCode).toBe(ExitCode.interrupted);
      expect(result.stderr).toMatch(new RegExp(`${signal} received: finishing the current step`));
      expect(result.stderr).toMatch(new RegExp(`Interrupted by ${signal} before the step`));
      expect(result.stderr).toMatch(/the api serves 240 sessions from sqlite/);
      expect(stack.databaseUrl()).toBe('sqlite:///./data/api_sessions.db');
      expect(await health(stack.apiUrl)).toMatchObject({ backend: 'sqlite', sessions: 240 });
    },
  );

  it('migrates: every table verified, DATABASE_URL switched, the api serves PostgreSQL with the same count', async () => {
    const result = await stack.cli('migrate', '--env', 'development');
    expect(result.stderr).toBe('');
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toMatch(/Migrated development: 2 tables, 1440 rows copied and verified/);
    expect(result.stdout).toMatch(/api: backend postgresql, 240 sessions; unavailable for [\d.]+ s/);
    // The committed env file stays as it was: the switch is this machine's state, in the git-ignored .local file.
    expect(stack.envFiles().committed).toBe(testEnvFiles['.env.development']);
    expect(stack.envFiles().local).toMatch(/^DATABASE_URL=postgresql:\/\/lawfirm@postgres:5432\/lawfirm$/m);
    expect(stack.envFiles().local).toMatch(/^DBOPS_PREVIOUS_DATABASE_URL=sqlite:\/\/\/\.\/data\/api_sessions\.db$/m);
    expect(stack.envFiles().local).not.toContain('lawfirm_dev_only');
    expect(await health(stack.apiUrl)).toEqual({ status: 'ok', backend: 'postgresql', sessions: 240 });
    const report = JSON.parse(readFileSync(result.stdout.match(/report: (.*\.json)/)![1]!, 'utf8')) as { outcome: string; tables: unknown[] };
    expect(report).toMatchObject({ outcome: 'succeeded' });
    expect(report.tables).toHaveLength(2);
  });

  it('a second migrate verifies and changes nothing', async () => {
    const before = stack.envFiles();
    const result = await stack.cli('migrate', '--env', 'development');
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toMatch(/Already migrated: 2 tables, 1440 rows equal to SQLite; nothing changed/);
    expect(stack.envFiles()).toEqual(before);
    expect(await health(stack.apiUrl)).toMatchObject({ backend: 'postgresql', sessions: 240 });
  });

  it('rolls back: the api serves SQLite again with the same count', async () => {
    const result = await stack.cli('rollback', '--env', 'development');
    expect(result.stderr).toBe('');
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toMatch(/Rolled back development: the api serves 240 sessions from SQLite/);
    expect(stack.databaseUrl()).toBe('sqlite:///./data/api_sessions.db');
    expect(stack.envFiles().local).not.toMatch(/DATABASE_URL/);
    expect(stack.envFiles().committed).toBe(testEnvFiles['.env.development']);
    expect(await health(stack.apiUrl)).toMatchObject({ backend: 'sqlite', sessions: 240 });
  });

  it('refuses a rollback when there is nothing to roll back to', async () => {
    const result = await stack.cli('rollback', '--env', 'development');
    expect(result.exitCode).toBe(ExitCode.refused);
    expect(result.stderr).toMatch(/Nothing to roll back to/);
  });

  it('fails cleanly when PostgreSQL never becomes ready, and the api keeps serving SQLite', async () => {
    // An image whose container exits at once stands in for a PostgreSQL that never starts.
    const result = await stack.cliWith({ POSTGRES_IMAGE: docker.images.node }, 'migrate', '--env', 'development', '--ready-timeout', '6');
    expect(result.exitCode).toBe(ExitCode.readiness);
    expect(result.stderr).toMatch(
      /Step "Wait for pg_isready inside the postgres container" failed: The postgres service was not ready after \d+ s \(container exited\)/,
    );
    expect(result.stderr).toMatch(/Troubleshooting:/);
    expect(stack.databaseUrl()).toMatch(/^sqlite:/);
    expect(await health(stack.apiUrl)).toMatchObject({ backend: 'sqlite', sessions: 240 });
  });
});

describe.skipIf(!docker.ready)('migrate-prod on a real Docker engine', () => {
  if (!docker.ready) return;
  let stack: Awaited<ReturnType<typeof e2eStack>>;
  const secret = { POSTGRES_PASSWORD: `e2e-${Date.now()}-Secret` };

  beforeAll(async () => {
    stack = await e2eStack(docker.images);
    expect((await stack.cli('sample', '--out', stack.env.SQLITE_PATH, '--sessions', '50', '--messages-per-session', '2')).exitCode).toBe(0);
  });

  afterAll(async () => {
    expect(await stack.destroy(docker.runtime, secret)).toEqual({ containers: [], networks: [], volumes: [] });
  });

  it('refuses while the password is the placeholder', async () => {
    const result = await stack.cli('migrate', '--env', 'production', '--yes');
    expect(result.exitCode).toBe(ExitCode.config);
    expect(result.stderr).toMatch(/POSTGRES_PASSWORD is still a placeholder/);
  });

  it('refuses without --yes when there is no terminal to ask on', async () => {
    const result = await stack.cliWith(secret, 'migrate', '--env', 'production');
    expect(result.exitCode).toBe(ExitCode.refused);
    expect(result.stderr).toMatch(/Pass --yes to confirm/);
  });

  it('migrates with --yes and the password from the environment, never printing it', async () => {
    const result = await stack.cliWith(secret, 'migrate', '--env', 'production', '--yes');
    expect(result.stderr).toBe('');
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toMatch(/Migrated production: 2 tables, 150 rows copied and verified/);
    expect(result.stdout).toMatch(/api: backend postgresql, 50 sessions/);
    const logged = [result.stdout, result.stderr, readFileSync(path.join(stack.projectDir, '.env.production'), 'utf8')].join('\n');
    expect(logged).not.toContain(secret.POSTGRES_PASSWORD);
    const reportFile = result.stdout.match(/report: (.*\.json)/)![1]!;
    expect(readFileSync(reportFile, 'utf8')).not.toContain(secret.POSTGRES_PASSWORD);
    expect(readFileSync(reportFile.replace(/\.json$/, '.log'), 'utf8')).not.toContain(secret.POSTGRES_PASSWORD);
  });
});
