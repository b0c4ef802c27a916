import path from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateSample } from '../../src/sample/generate-sample.ts';
import { spawnCliOn } from '../support/run-cli.ts';
import { startLocalPostgres, type LocalPostgres } from '../support/local-postgres.ts';
import { tempDir } from '../support/temp-dir.ts';

/** PostgreSQL going away in the middle of a transfer: the command must end, promptly and truthfully. */
describe('transfer when the server goes away mid-copy', () => {
  let server: LocalPostgres;
  let dir: ReturnType<typeof tempDir>;
  let sqlite: string;
  beforeAll(async () => {
    dir = tempDir('dbops-lost-');
    server = await startLocalPostgres();
    sqlite = (await generateSample({ out: path.join(dir.path, 'api_sessions.db'), sessions: 60_000, messagesPerSession: 6, seed: 5, overwrite: false })).path;
  });
  afterAll(async () => {
    await server?.stop();
    dir?.remove();
  });

  it('ends within seconds with the cause, when every server process is killed', async () => {
    const child = spawnCliOn(server.url, ['transfer', '--sqlite', sqlite]);
    // Kill as soon as a COPY into the server runs.
    for (let tries = 0; tries < 600; tries += 1) {
      const copying = await execa('psql', [server.url, '-Atc', "SELECT count(*) FROM pg_stat_activity WHERE query LIKE 'COPY %FROM STDIN%'"], {
        reject: false,
      });
      if (Number(copying.stdout) > 0) break;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    await execa('pkill', ['-KILL', '-f', `postgres.*-p ${server.port}`], { reject: false });
    const killed = Date.now();
    const result = await child;
    const waited = Date.now() - killed;
    expect(waited).toBeLessThan(30_000);
    expect(result.exitCode, String(result.stderr)).toBe(11);
    expect(result.stderr).toMatch(/PostgreSQL at dbops@127\.0\.0\.1:\d+\/postgres failed under this step: connection lost/);
    expect(result.stderr).not.toMatch(/--invalid-text|unexpected error/);
  }, 120_000);
});
