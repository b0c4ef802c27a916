import path from 'node:path';
import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { generateSample } from '../../src/sample/generate-sample.ts';
import { repoRoot, runCli, runCliOn } from '../support/run-cli.ts';
import { freshDatabase, localServerAndDir } from './transfer-fixtures.ts';

// The built CLI as a user runs it: results on stdout, progress and messages on stderr, so that
// `dbops ... | grep` and redirected reports see results only.
describe('what the CLI writes where', () => {
  const local = localServerAndDir('dbops-streams-');
  let sqlite: string;

  beforeAll(async () => {
    sqlite = (await generateSample({ out: path.join(local.dir, 'api_sessions.db'), sessions: 200, messagesPerSession: 3, seed: 11, overwrite: false })).path;
  });

  it('--version prints the version alone on stdout', async () => {
    const { version } = JSON.parse(readFileSync(path.join(repoRoot, 'package.json'), 'utf8')) as { version: string };
    expect(await runCli(['--version'])).toEqual({ exitCode: 0, stdout: version, stderr: '' });
  });

  it('a transfer draws its progress on stderr and prints only its summary on stdout', async () => {
    const result = await runCliOn(await freshDatabase(local.server, 'streams'), ['transfer', '--sqlite', sqlite]);
    expect(result.exitCode).toBe(0);
    expect(result.stderr).toMatch(/Check and read .*api_sessions\.db/);
    expect(result.stderr).toMatch(/Copy rows/);
    expect(result.stdout).not.toMatch(/Check and read|Copy rows|❯|✔/);
    expect(result.stdout).toMatch(/messages\s+600 .*equal \(count \+ digest\)/);
  });

  it('--quiet leaves stderr to warnings and errors; the results stay', async () => {
    const url = await freshDatabase(local.server, 'streams_quiet');
    const quiet = await runCliOn(url, ['--quiet', 'transfer', '--sqlite', sqlite]);
    expect(quiet.exitCode).toBe(0);
    expect(quiet.stderr).toBe('');
    expect(quiet.stdout).toMatch(/messages\s+600 .*equal \(count \+ digest\)/);
    const failed = await runCliOn(url, ['--quiet', 'transfer', '--sqlite', sqlite]);
    expect(failed.exitCode).not.toBe(0);
    expect(failed.stderr).toMatch(/^dbops: /m);
  });
});
