import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { InputError } from '../../../src/errors/input-error.ts';
import { estimateSampleBytes, generateSample, type SampleOptions } from '../../../src/sample/generate-sample.ts';
import { sampleIndexNames } from '../../../src/sample/sample-schema.ts';
import { openSqlite } from '../../../src/sqlite/sqlite-database.ts';
import { tempDir } from '../../support/temp-dir.ts';

describe('generateSample', () => {
  let dir: ReturnType<typeof tempDir>;
  const options = (name: string, overrides: Partial<SampleOptions> = {}) => ({
    out: path.join(dir.path, name),
    sessions: 101,
    messagesPerSession: 7,
    seed: 1,
    overwrite: false,
    ...overrides,
  });

  beforeEach(() => (dir = tempDir()));
  afterEach(() => dir.remove());

  it('writes exactly sessions × messagesPerSession messages, and message_count agrees', async () => {
    const summary = await generateSample(options('a.db'));
    expect(summary).toMatchObject({ sessions: 101, messages: 707 });
    const db = openSqlite(summary.path, { readonly: true });
    try {
      expect(db.get('SELECT count(*) AS n FROM sessions')).toEqual({ n: 101n });
      expect(db.get('SELECT count(*) AS n FROM messages')).toEqual({ n: 707n });
      expect(db.get('SELECT sum(message_count) AS n FROM sessions')).toEqual({ n: 707n });
      const mismatched = db.get('SELECT count(*) AS n FROM sessions s WHERE message_count <> (SELECT count(*) FROM messages m WHERE m.session_id = s.id)');
      expect(mismatched).toEqual({ n: 0n });
      expect(db.get("SELECT seq FROM sqlite_sequence WHERE name = 'messages'")).toEqual({ seq: 707n });
    } finally {
      db.close();
    }
  });

  it("creates the application schema with the guide's four indexes", async () => {
    const db = openSqlite((await generateSample(options('a.db'))).path, { readonly: true });
    try {
      const indexes = db.prepare("SELECT name FROM sqlite_master WHERE type = 'index' AND name LIKE 'idx_%' ORDER BY name").all();
      expect(indexes.map((row) => row.name)).toEqual([...sampleIndexNames].sort());
      const columns = (table: string) =>
        db
          .prepare(`PRAGMA table_info(${table})`)
          .all()
          .map((row) => row.name);
      expect(columns('sessions')).toEqual(['id', 'user_id', 'title', 'created_at', 'updated_at', 'message_count', 'is_active', 'metadata']);
      expect(columns('messages')).toEqual(['id', 'session_id', 'role', 'content', 'timestamp', 'metadata']);
      expect(db.get("SELECT sql FROM sqlite_master WHERE name = 'messages'")?.sql).toMatch(/AUTOINCREMENT/);
    } finally {
      db.close();
    }
  });

  it('writes Korean text, valid JSON metadata and ordered timestamps', async () => {
    const db = openSqlite((await generateSample(options('a.db'))).path, { readonly: true });
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

  it('is deterministic for a seed and differs across seeds', async () => {
    const digest = (file: string) => {
      const db = openSqlite(file, { readonly: true });
      try {
        const rows = db.prepare('SELECT * FROM sessions ORDER BY id').all().concat(db.prepare('SELECT * FROM messages ORDER BY id').all());
        return createHash('sha256')
          .update(JSON.stringify(rows, (_key, value) => (typeof value === 'bigint' ? value.toString() : value)))
          .digest('hex');
      } finally {
        db.close();
      }
    };
    const first = digest((await generateSample(options('a.db'))).path);
    expect(digest((await generateSample(options('b.db'))).path)).toBe(first);
    expect(digest((await generateSample(options('c.db', { seed: 2 }))).path)).not.toBe(first);
  });

  it('never overwrites an existing file unless asked, and leaves it untouched', async () => {
    const target = path.join(dir.path, 'existing.db');
    writeFileSync(target, 'keep me');
    await expect(generateSample(options('existing.db'))).rejects.toThrow(InputError);
    await expect(generateSample(options('existing.db'))).rejects.toThrow(/already exists.*--force/);
    expect(readFileSync(target, 'utf8')).toBe('keep me');
    await generateSample(options('existing.db', { overwrite: true }));
    expect(readFileSync(target).subarray(0, 15).toString()).toBe('SQLite format 3');
  });

  it.each([
    [{ sessions: 0 }, /--sessions must be a whole number of at least 1/],
    [{ messagesPerSession: 1.5 }, /--messages-per-session must be a whole number/],
  ])('rejects %o', async (overrides, message) => {
    await expect(generateSample(options('x.db', overrides))).rejects.toThrow(message);
    expect(existsSync(path.join(dir.path, 'x.db'))).toBe(false);
  });

  it('leaves no partial file behind', async () => {
    await generateSample(options('a.db'));
    expect(readdirSync(dir.path)).toEqual(['a.db']);
  });
});

describe('generateSample on a long run', () => {
  let dir: ReturnType<typeof tempDir>;
  beforeEach(() => (dir = tempDir()));
  afterEach(() => dir.remove());
  const options = (sessions: number): SampleOptions => ({ out: path.join(dir.path, 'big.db'), sessions, messagesPerSession: 2, seed: 1, overwrite: false });

  it('refuses, before writing anything, a file that would not fit on the disk, and shows the estimate', async () => {
    const run = generateSample(options(2_000_000_000), { freeBytes: () => 50 * 2 ** 30 });
    await expect(run).rejects.toThrow(InputError);
    await expect(generateSample(options(2_000_000_000), { freeBytes: () => 50 * 2 ** 30 })).rejects.toThrow(
      /--sessions 2000000000 × --messages-per-session 2 needs about 2533\.\d GiB, but .* has 50\.0 GiB free\. Ask for fewer sessions/,
    );
    expect(readdirSync(dir.path)).toEqual([]);
  });

  it('reports progress per batch, stops between batches when asked, and removes the partial file', async () => {
    const progress: number[] = [];
    const run = generateSample(options(9000), {
      onProgress: (done) => progress.push(done),
      stopRequested: () => (progress.length >= 2 ? 'SIGTERM' : undefined),
    });
    await expect(run).rejects.toMatchObject({
      exitCode: 130,
      message: expect.stringMatching(/Interrupted by SIGTERM after 4000 of 9000 sessions; the partial file was removed/),
    });
    expect(progress).toEqual([2000, 4000]);
    expect(readdirSync(dir.path)).toEqual([]);
  });

  it('estimates at or above what it writes', async () => {
    const summary = await generateSample(options(3000));
    expect(estimateSampleBytes(3000, 2)).toBeGreaterThanOrEqual(summary.bytes);
    expect(estimateSampleBytes(3000, 2)).toBeLessThan(summary.bytes * 2);
  });
});
