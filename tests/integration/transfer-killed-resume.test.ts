import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { generateSample } from '../../src/sample/generate-sample.ts';
import { runCliOn, spawnCliOn } from '../support/run-cli.ts';
import { freshDatabase, localServerAndDir, query } from './transfer-fixtures.ts';

describe('a transfer killed with SIGKILL mid-load', () => {
  const local = localServerAndDir('dbops-killed-');
  let sqlite: string;

  beforeAll(async () => {
    sqlite = (await generateSample({ out: path.join(local.dir, 'api_sessions.db'), sessions: 40_000, messagesPerSession: 6, seed: 7, overwrite: false })).path;
  });

  it('is finished exactly by a re-run with --if-exists resume', async () => {
    const url = await freshDatabase(local.server, 'killed');
    // The CLI as a user runs it, killed without any chance to clean up as soon as rows are flowing.
    const child = spawnCliOn(url, ['transfer', '--sqlite', sqlite]);
    let loading = false;
    // Progress goes to stderr.
    child.stderr?.on('data', (chunk: Buffer) => {
      if (!loading && chunk.toString().includes('Copy rows')) {
        loading = true;
        setTimeout(() => child.kill('SIGKILL'), 300);
      }
    });
    const killed = await child;
    expect(killed.signal).toBe('SIGKILL');
    const loaded = await query<{ n: string }>(url, "SELECT count(*)::text AS n FROM pg_tables WHERE schemaname = 'public' AND tablename = 'messages'");
    const messagesBefore = loaded[0]?.n === '1' ? Number((await query<{ n: string }>(url, 'SELECT count(*)::text AS n FROM messages'))[0]?.n) : 0;
    expect(messagesBefore, 'the transfer must be killed before messages were complete').toBeLessThan(240_000);

    // --quiet: stderr then holds only warnings and errors.
    const resumed = await runCliOn(url, ['--quiet', 'transfer', '--sqlite', sqlite, '--if-exists', 'resume']);
    expect(resumed.stderr).toBe('');
    expect(resumed.exitCode).toBe(0);
    expect(resumed.stdout).toMatch(/messages\s+240000 .*equal \(count \+ digest\)/);
    expect((await runCliOn(url, ['verify', '--sqlite', sqlite])).exitCode).toBe(0);
    const [counts] = await query<{ sessions: string; messages: string }>(
      url,
      'SELECT (SELECT count(*) FROM sessions)::text AS sessions, (SELECT count(*) FROM messages)::text AS messages',
    );
    expect(counts).toEqual({ sessions: '40000', messages: '240000' });
  });
});
