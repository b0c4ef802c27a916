import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { applyEnvUpdates, updateEnvFile } from '../../../src/config/env-file-edit.ts';
import { tempDir } from '../../support/temp-dir.ts';

const original = `# the api's database
DATABASE_URL=sqlite:///./data/api_sessions.db
SQLITE_PATH=./data/api_sessions.db

# ports
API_PORT=8000
`;

describe('applyEnvUpdates', () => {
  it('changes a key where it stands and keeps comments, order and blank lines', () => {
    expect(applyEnvUpdates(original, { DATABASE_URL: 'postgresql://lawfirm@postgres:5432/lawfirm' })).toBe(
      original.replace('sqlite:///./data/api_sessions.db\n', 'postgresql://lawfirm@postgres:5432/lawfirm\n'),
    );
  });

  it('appends a new key at the end', () => {
    expect(applyEnvUpdates(original, { DBOPS_PREVIOUS_DATABASE_URL: 'sqlite:///./data/x.db' })).toBe(
      `${original}DBOPS_PREVIOUS_DATABASE_URL=sqlite:///./data/x.db\n`,
    );
  });

  it('removes a key set to undefined, and round-trips', () => {
    const switched = applyEnvUpdates(original, { DATABASE_URL: 'postgresql://u@h:5432/d', DBOPS_PREVIOUS_DATABASE_URL: 'sqlite:///./data/api_sessions.db' });
    expect(applyEnvUpdates(switched, { DATABASE_URL: 'sqlite:///./data/api_sessions.db', DBOPS_PREVIOUS_DATABASE_URL: undefined })).toBe(original);
  });

  it('recognises export and spaces before the equals sign', () => {
    expect(applyEnvUpdates('export A = 1\nB=2\n', { A: '3' })).toBe('A=3\nB=2\n');
  });
});

describe('updateEnvFile', () => {
  it('replaces the file atomically, keeping its permissions and leaving no temporary file', () => {
    const dir = tempDir();
    try {
      const file = path.join(dir.path, '.env.development');
      writeFileSync(file, original, { mode: 0o640 });
      updateEnvFile(file, { API_PORT: '9000' });
      expect(readFileSync(file, 'utf8')).toContain('API_PORT=9000\n');
      expect(readdirSync(dir.path)).toEqual(['.env.development']);
    } finally {
      dir.remove();
    }
  });
});
