import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { InputError } from '../../../src/errors/input-error.ts';
import { generateSample } from '../../../src/sample/generate-sample.ts';
import { sampleIndexNames } from '../../../src/sample/sample-schema.ts';
import { openSqlite } from '../../../src/sqlite/sqlite-database.ts';
import { tempDir } from '../../support/temp-dir.ts';

describe('generateSample', () => {
  let dir: ReturnType<typeof tempDir>;
  const options = (name: string, overrides: Partial<Parameters<typeof generateSample>[0]> = {}) => ({
    out: path.join(dir.path, name),
    sessions: 101,
    messagesPerSession: 7,
    seed: 1,
    overwrite: false,
    ...overrides,
  });

  beforeEach(() => (dir = tempDir()));
  afterEach(() => dir.remove());

  it('writes exactly sessions × messagesPerSession messages, and message_count agrees', () => {
    const summary = generateSample(options('a.db'));
    expect(summary).toMatchObject({ sessions: 101, messages: 707 });
    const db = openSqlite(summary.path, { readonly: true });
    try {
      expect(db.get('SELECT count(*) AS n FROM sessions')).toEqual({ n: 101n });
      expect(db.get('SELECT count(*) AS n FROM messages')).toEqual({ n: 707n });
      expect(db.get('SELECT sum(message_count) AS n FROM sessions')).toEqual({ n: 707n });
      const mismatched = db.get(
        'SELECT count(*) AS n FROM sessions s WHERE message_count <> (SELECT count(*) FROM messages m WHERE m.session_id = s.id)',
      );
      expect(mismatched).toEqual({ n: 0n });
      expect(db.get("SELECT seq FROM sqlite_sequence WHERE name = 'messages'")).toEqual({ seq: 707n });
    } finally {
      db.close();
    }
  });

  it('creates the application schema with the guide\'s four indexes', () => {
    const db = openSqlite(generateSample(options('a.db')).path, { readonly: true });
    try {
      const indexes = db.prepare("SELECT name FROM sqlite_master WHERE type = 'index' AND name LIKE 'idx_%' ORDER BY name").all();
      expect(indexes.map((row) => row.name)).toEqual([...sampleIndexNames].sort());
      const columns = (table: string) => db.prepare(`PRAGMA table_info(${table})`).all().map((row) => row.name);
      expect(columns('sessions')).toEqual(['id', 'user_id', 'title', 'created_at', 'updated_at', 'message_count', 'is_active', 'metadata']);
      expect(columns('messages')).toEqual(['id', 'session_id', 'role', 'content', 'timestamp', 'metadata']);
      expect(db.get("SELECT sql FROM sqlite_master WHERE name = 'messages'")?.sql).toMatch(/AUTOINCREMENT/);
    } finally {
      db.close();
    }
  });

  it('writes Korean text, valid JSON metadata and ordered timestamps', () => {
    const db = openSqlite(generateSample(options('a.db')).path, { readonly: true });
    try {
      const message = db.get("SELECT content, metadata FROM messages WHERE role = 'assistant' LIMIT 1");
      expect(String(message?.content)).toMatch(/[\uac00-\ud7a3]/);
      expect(() => JSON.parse(String(message?.metadata))).not.toThrow();
      const session = db.get('SELECT created_at, updated_at, metadata FROM sessions LIMIT 1');
      expect(String(session?.created_at)).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/);
      expect(String(session?.updated_at) > String(session?.created_at)).toBe(true);
      expect(JSON.parse(String(session?.metadata))).toMatchObject({ locale: 'ko-KR' });
    } finally {
      db.close();
    }
  });

  it('is deterministic for a seed and differs across seeds', () => {
    const digest = (file: string) => {
      const db = openSqlite(file, { readonly: true });
      try {
        const rows = db.prepare('SELECT * FROM sessions ORDER BY id').all().concat(db.prepare('SELECT * FROM messages ORDER BY id').all());
        return createHash('sha256').update(JSON.stringify(rows, (_key, value) => (typeof value === 'bigint' ? value.toString() : value))).digest('hex');
      } finally {
        db.close();
      }
    };
    const first = digest(generateSample(options('a.db')).path);
    expect(digest(generateSample(options('b.db')).path)).toBe(first);
    expect(digest(generateSample(options('c.db', { seed: 2 })).path)).not.toBe(first);
  });

  it('never overwrites an existing file unless asked, and leaves it untouched', () => {
    const target = path.join(dir.path, 'existing.db');
    writeFileSync(target, 'keep me');
    expect(() => generateSample(options('existing.db'))).toThrow(InputError);
    expect(() => generateSample(options('existing.db'))).toThrow(/already exists.*--force/);
    expect(readFileSync(target, 'utf8')).toBe('keep me');
    generateSample(options('existing.db', { overwrite: true }));
    expect(readFileSync(target).subarray(0, 15).toString()).toBe('SQLite format 3');
  });

  it.each([
    [{ sessions: 0 }, /--sessions must be a whole number of at least 1/],
    [{ messagesPerSession: 1.5 }, /--messages-per-session must be a whole number/],
  ])('rejects %o', (overrides, message) => {
    expect(() => generateSample(options('x.db', overrides))).toThrow(message);
    expect(existsSync(path.join(dir.path, 'x.db'))).toBe(false);
  });

  it('leaves no partial file behind', () => {
    generateSample(options('a.db'));
    expect(readdirSync(dir.path)).toEqual(['a.db']);
  });
});
