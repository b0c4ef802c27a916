import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { generateSample } from '../../src/sample/generate-sample.ts';
import { runCliOn, spawnCliOn } from '../support/run-cli.ts';
import { freshDatabase, localServerAndDir } from './transfer-fixtures.ts';

// `dbops transfer ... | head -3`: the reader leaves after a few lines. The work must still be
// finished (a migration or restore cut off halfway is worse than output nobody reads), and the
// exit code must say how it went, not that the pipe closed.
describe('a command whose output reader goes away', () => {
  const local = localServerAndDir('dbops-closed-output-');
  let sqlite: string;

  beforeAll(async () => {
    sqlite = (await generateSample({ out: path.join(local.dir, 'api_sessions.db'), sessions: 2_000, messagesPerSession: 5, seed: 3, overwrite: false })).path;
  });

  it('finishes the transfer it started', async () => {
    const url = await freshDatabase(local.server, 'closed_output');
    const child = spawnCliOn(url, ['transfer', '--sqlite', sqlite], { stderr: 'ignore' });
    // Like `head -1`: read the first line, then close the pipe.
    child.stdout?.once('data', () => child.stdout?.destroy());
    const result = await child;
    expect(result.exitCode).toBe(0);
    const verified = await runCliOn(url, ['verify', '--sqlite', sqlite]);
    expect(verified.stdout).toMatch(/messages\s+10000 .*equal \(count \+ digest\)/);
    expect(verified.exitCode).toBe(0);
  });
});
