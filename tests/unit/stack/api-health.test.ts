import path from 'node:path';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { probeApiHealth, type Fetch } from '../../../src/stack/api-health.ts';
import { repoRoot } from '../../support/run-cli.ts';

const answering =
  (status: number, body: unknown): Fetch =>
  async () =>
    new Response(JSON.stringify(body), { status });

describe('probeApiHealth', () => {
  it('returns the health the api reports', async () => {
    const probe = await probeApiHealth(answering(200, { status: 'ok', backend: 'postgresql', sessions: 3 }), 'http://api');
    expect(probe).toEqual({ ok: true, health: { status: 'ok', backend: 'postgresql', sessions: 3 } });
  });

  it.each([
    [503, { error: 'database unreachable' }, 'GET /health answered 503: database unreachable'],
    [200, { status: 'ok', backend: 'mysql', sessions: 3 }, 'GET /health answered 200'],
    [200, 'not json at all', 'GET /health answered 200'],
  ])('reports status %i with body %j as not ready', async (status, body, problem) => {
    expect(await probeApiHealth(answering(status, body), 'http://api')).toEqual({ ok: false, problem });
  });

  it('reports a refused connection as a problem instead of throwing', async () => {
    const refused: Fetch = async () => {
      throw new TypeError('fetch failed', { cause: new Error('connect ECONNREFUSED 127.0.0.1:8080') });
    };
    expect(await probeApiHealth(refused, 'http://api')).toEqual({
      ok: false,
      problem: 'GET /health failed (fetch failed: connect ECONNREFUSED 127.0.0.1:8080)',
    });
  });

  it('gives up on a request that never settles, and aborts it', async () => {
    let signal: AbortSignal | undefined;
    const hanging: Fetch = (_url, init) => {
      signal = init?.signal ?? undefined;
      return new Promise(() => undefined);
    };
    expect(await probeApiHealth(hanging, 'http://api', 30)).toEqual({ ok: false, problem: 'GET /health failed (no answer within 30 ms)' });
    expect(signal?.aborted).toBe(true);
  });

  it('gives up on a body that never arrives', async () => {
    const stalledBody: Fetch = async () => ({ status: 200, json: () => new Promise(() => undefined) }) as unknown as Response;
    expect(await probeApiHealth(stalledBody, 'http://api', 30)).toEqual({ ok: false, problem: 'GET /health failed (no answer within 30 ms)' });
  });

  // Regression: with AbortSignal.timeout (an unreferenced timer) a request undici never settled
  // left Node with nothing to do, and it exited with code 13 in the middle of a restore.
  it('keeps the process alive while it waits, so a hanging request cannot end the program', async () => {
    const script = [
      `const { probeApiHealth } = await import(${JSON.stringify(path.join(repoRoot, 'src/stack/api-health.ts'))});`,
      'const probe = await probeApiHealth(() => new Promise(() => {}), "http://api", 200);',
      'console.log(JSON.stringify(probe));',
    ].join('\n');
    const result = await execa('node', ['--import', 'tsx', '--input-type=module', '-e', script], { cwd: repoRoot, reject: false });
    expect(result.exitCode, result.stderr).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual({ ok: false, problem: 'GET /health failed (no answer within 200 ms)' });
  });
});
