import { existsSync, mkdirSync, renameSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import { InputError } from '../errors/input-error.ts';
import { openSqlite, type SqliteDatabase } from '../sqlite/sqlite-database.ts';
import { koreanAnswer, koreanQuestion, koreanTitle } from './korean-text.ts';
import { sampleIndexes, sampleTables } from './sample-schema.ts';
import { SeededRandom } from './seeded-random.ts';

export interface SampleOptions {
  readonly out: string;
  readonly sessions: number;
  /** Average messages per session; the total is exactly sessions × this. */
  readonly messagesPerSession: number;
  readonly seed: number;
  /** Replace an existing file; without it an existing file is an error, never overwritten. */
  readonly overwrite: boolean;
}

export interface SampleSummary {
  readonly path: string;
  readonly sessions: number;
  readonly messages: number;
  readonly bytes: number;
  readonly durationMs: number;
}

const epoch = Date.UTC(2025, 0, 1);
const sqliteTime = (ms: number): string => new Date(ms).toISOString().slice(0, 19).replace('T', ' ');

/**
 * Writes a realistic application database (sessions and Korean chat messages with the guide's
 * indexes), deterministic for a seed. It is built beside the target and renamed into place, so a
 * failure never leaves a half-written file under the real name.
 */
export function generateSample(options: SampleOptions, open: typeof openSqlite = openSqlite): SampleSummary {
  const started = Date.now();
  const out = path.resolve(options.out);
  if (!Number.isInteger(options.sessions) || options.sessions < 1) {
    throw new InputError(`--sessions must be a whole number of at least 1 (got ${options.sessions}).`);
  }
  if (!Number.isInteger(options.messagesPerSession) || options.messagesPerSession < 1) {
    throw new InputError(`--messages-per-session must be a whole number of at least 1 (got ${options.messagesPerSession}).`);
  }
  if (existsSync(out) && !options.overwrite) {
    throw new InputError(`${out} already exists. dbops never overwrites a database by accident: pass --force to replace it, or choose another --out.`);
  }
  mkdirSync(path.dirname(out), { recursive: true });
  const partial = `${out}.partial`;
  rmSync(partial, { force: true });
  const db = open(partial);
  try {
    const messages = fill(db, options);
    db.close();
    renameSync(partial, out);
    return { path: out, sessions: options.sessions, messages, bytes: statSync(out).size, durationMs: Date.now() - started };
  } catch (error) {
    db.close();
    rmSync(partial, { force: true });
    throw error;
  }
}

function fill(db: SqliteDatabase, options: SampleOptions): number {
  // Fast and safe here: the file is not yet under its real name, so a crash loses nothing.
  db.exec('PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF;');
  db.exec(sampleTables);
  const random = new SeededRandom(options.seed);
  const users = Math.max(10, Math.ceil(options.sessions / 20));
  const insertSession = db.prepare(
    'INSERT INTO sessions (id, user_id, title, created_at, updated_at, message_count, is_active, metadata) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
  );
  const insertMessage = db.prepare('INSERT INTO messages (session_id, role, content, timestamp, metadata) VALUES (?, ?, ?, ?, ?)');
  let total = 0;
  let pairJitter = 0;
  db.transaction(() => {
    for (let index = 0; index < options.sessions; index += 1) {
      // Pairs of sessions vary in opposite directions, so the total is exactly sessions × average.
      const unpaired = index % 2 === 0 && index === options.sessions - 1;
      pairJitter = index % 2 === 0 ? random.int(0, options.messagesPerSession - 1) : -pairJitter;
      const count = options.messagesPerSession + (unpaired ? 0 : pairJitter);
      const id = random.uuid();
      const userId = `user-${String(random.int(1, users)).padStart(5, '0')}`;
      const created = epoch + random.int(0, 600 * 86_400) * 1000;
      let time = created;
      const rows: [string, string, string, string | null][] = [];
      for (let m = 0; m < count; m += 1) {
        time += random.int(5, 600) * 1000;
        const role = m % 2 === 0 ? 'user' : 'assistant';
        const content = role === 'user' ? koreanQuestion(random) : koreanAnswer(random);
        const metadata = role === 'user'
          ? JSON.stringify({ source: random.pick(['web', 'mobile', 'slack']) })
          : JSON.stringify({ model: 'lawfirm-assistant-2', tokens: random.int(40, 900), citations: random.int(0, 4) });
        rows.push([role, content, sqliteTime(time), metadata]);
      }
      const metadata = JSON.stringify({ locale: 'ko-KR', matter: `M-2025-${String(random.int(1, 9999)).padStart(4, '0')}`, tags: [random.pick(['계약', '소송', '자문', '노동', '가사'])] });
      insertSession.run(id, userId, koreanTitle(random), sqliteTime(created), sqliteTime(time), count, random.next() < 0.85 ? 1 : 0, metadata);
      for (const [role, content, timestamp, messageMetadata] of rows) insertMessage.run(id, role, content, timestamp, messageMetadata);
      total += count;
    }
  });
  db.exec(sampleIndexes);
  db.exec('PRAGMA journal_mode = DELETE; ANALYZE;');
  return total;
}
