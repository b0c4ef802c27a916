import { existsSync, mkdirSync, renameSync, rmSync, statfsSync, statSync } from 'node:fs';
import path from 'node:path';
import { setImmediate as yieldToEvents } from 'node:timers/promises';
import { DbopsError } from '../errors/dbops-error.ts';
import { ExitCode } from '../errors/exit-codes.ts';
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

/** What the caller watches and steers while the file is written. */
export interface SampleHooks {
  /** Called after each batch of sessions. */
  readonly onProgress?: (sessionsDone: number, sessionsTotal: number) => void;
  /** The signal that asked to stop, if any: checked between batches. */
  readonly stopRequested?: () => string | undefined;
  /** Bytes free where the file goes (default: the file system's own answer). */
  readonly freeBytes?: (dir: string) => number;
}

export interface SampleSummary {
  readonly path: string;
  readonly sessions: number;
  readonly messages: number;
  readonly bytes: number;
  readonly durationMs: number;
}

const epoch = Date.UTC(2025, 0, 1);
/** Sessions written per transaction: small enough that a stop request is seen within a second. */
const batchSessions = 2000;
/** File bytes per message, indexes included: generated files hold about 440; the estimate errs above. */
const bytesPerMessage = 480;

/** How large the file will be, for the free-space check before writing. */
export function estimateSampleBytes(sessions: number, messagesPerSession: number): number {
  return sessions * messagesPerSession * bytesPerMessage + sessions * 400 + 64 * 1024;
}

const gib = (bytes: number) => `${(bytes / 2 ** 30).toFixed(1)} GiB`;
const sqliteTime = (ms: number): string => new Date(ms).toISOString().slice(0, 19).replace('T', ' ');

/**
 * Writes a realistic application database (sessions and Korean chat messages with the guide's
 * indexes), deterministic for a seed. It is built beside the target and renamed into place, so a
 * failure never leaves a half-written file under the real name.
 */
export async function generateSample(options: SampleOptions, hooks: SampleHooks = {}, open: typeof openSqlite = openSqlite): Promise<SampleSummary> {
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
  const needed = estimateSampleBytes(options.sessions, options.messagesPerSession);
  const free = (hooks.freeBytes ?? freeBytesAt)(path.dirname(out));
  if (needed > free) {
    throw new InputError(
      `--sessions ${options.sessions} × --messages-per-session ${options.messagesPerSession} needs about ${gib(needed)}, ` +
        `but ${path.dirname(out)} has ${gib(free)} free. Ask for fewer sessions or free some space.`,
    );
  }
  const db = open(partial);
  try {
    const messages = await fill(db, options, hooks);
    db.close();
    renameSync(partial, out);
    return { path: out, sessions: options.sessions, messages, bytes: statSync(out).size, durationMs: Date.now() - started };
  } catch (error) {
    db.close();
    rmSync(partial, { force: true });
    throw error;
  }
}

function freeBytesAt(dir: string): number {
  const stats = statfsSync(dir);
  return stats.bavail * stats.bsize;
}

async function fill(db: SqliteDatabase, options: SampleOptions, hooks: SampleHooks): Promise<number> {
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
  const writeBatch = (from: number, to: number) => {
    for (let index = from; index < to; index += 1) {
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
        const metadata =
          role === 'user'
            ? JSON.stringify({ source: random.pick(['web', 'mobile', 'slack']) })
            : JSON.stringify({ model: 'lawfirm-assistant-2', tokens: random.int(40, 900), citations: random.int(0, 4) });
        rows.push([role, content, sqliteTime(time), metadata]);
      }
      const metadata = JSON.stringify({
        locale: 'ko-KR',
        matter: `M-2025-${String(random.int(1, 9999)).padStart(4, '0')}`,
        tags: [random.pick(['계약', '소송', '자문', '노동', '가사'])],
      });
      insertSession.run(id, userId, koreanTitle(random), sqliteTime(created), sqliteTime(time), count, random.next() < 0.85 ? 1 : 0, metadata);
      for (const [role, content, timestamp, messageMetadata] of rows) insertMessage.run(id, role, content, timestamp, messageMetadata);
      total += count;
    }
  };
  for (let from = 0; from < options.sessions; from += batchSessions) {
    const to = Math.min(options.sessions, from + batchSessions);
    db.transaction(() => writeBatch(from, to));
    hooks.onProgress?.(to, options.sessions);
    // Signals are delivered between batches, never during one.
    await yieldToEvents();
    const signal = hooks.stopRequested?.();
    if (signal) {
      throw new DbopsError(`Interrupted by ${signal} after ${to} of ${options.sessions} sessions; the partial file was removed.`, {
        exitCode: ExitCode.interrupted,
      });
    }
  }
  db.exec(sampleIndexes);
  db.exec('PRAGMA journal_mode = DELETE; ANALYZE;');
  return total;
}
