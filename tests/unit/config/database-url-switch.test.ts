import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Config } from '../../../src/config/config.ts';
import { switchBack, switchDatabaseUrl } from '../../../src/config/database-url-switch.ts';
import { tempDir } from '../../support/temp-dir.ts';

const sqliteUrl = 'sqlite:///./data/api_sessions.db';
const postgresUrl = 'postgresql://lawfirm@postgres:5432/lawfirm';

describe('the DATABASE_URL switch lives in the git-ignored .local file', () => {
  let dir: ReturnType<typeof tempDir>;
  let envFile: string;
  const config = (databaseUrl: string, source: string) => ({ envFile, databaseUrl, sources: { DATABASE_URL: source } }) as unknown as Config;
  const read = (file: string) => readFileSync(file, 'utf8');

  beforeEach(() => {
    dir = tempDir('dbops-switch-');
    envFile = path.join(dir.path, '.env.development');
    writeFileSync(envFile, `# committed\nDATABASE_URL=${sqliteUrl}\n`);
  });
  afterEach(() => dir.remove());

  it('switches in .local (created 0600), never touching the committed file, and undoes to the absence it found', () => {
    writeFileSync(`${envFile}.local`, 'POSTGRES_IMAGE=local/pg:15\n');
    const switched = switchDatabaseUrl(config(sqliteUrl, '.env.development'), postgresUrl);
    expect(switched.file).toBe(`${envFile}.local`);
    expect(read(envFile)).toBe(`# committed\nDATABASE_URL=${sqliteUrl}\n`);
    expect(read(`${envFile}.local`)).toBe(`POSTGRES_IMAGE=local/pg:15\nDATABASE_URL=${postgresUrl}\nDBOPS_PREVIOUS_DATABASE_URL=${sqliteUrl}\n`);
    switched.undo();
    expect(read(`${envFile}.local`)).toBe('POSTGRES_IMAGE=local/pg:15\n');
  });

  it('rolls back by removing the .local keys when the committed file already names the SQLite URL', () => {
    switchDatabaseUrl(config(sqliteUrl, '.env.development'), postgresUrl);
    const back = switchBack(config(postgresUrl, '.env.development.local'), sqliteUrl);
    expect(read(`${envFile}.local`)).toBe('\n');
    expect(read(envFile)).toBe(`# committed\nDATABASE_URL=${sqliteUrl}\n`);
    back.undo();
    expect(read(`${envFile}.local`)).toBe(`DATABASE_URL=${postgresUrl}\nDBOPS_PREVIOUS_DATABASE_URL=${sqliteUrl}\n`);
  });

  it('rolls back in the committed file when an older dbops switched it there', () => {
    writeFileSync(envFile, `DATABASE_URL=${postgresUrl}\nDBOPS_PREVIOUS_DATABASE_URL=${sqliteUrl}\n`);
    const back = switchBack(config(postgresUrl, '.env.development'), sqliteUrl);
    expect(back.file).toBe(envFile);
    expect(read(envFile)).toBe(`DATABASE_URL=${sqliteUrl}\n`);
  });
});
