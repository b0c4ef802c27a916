/**
 * `make bench` / `npm run bench`: generates the sessions-like benchmark database (default 100k
 * sessions, 1M messages), then loads it into one throwaway local PostgreSQL three ways, side by
 * side: dbops transfer (with its verification), pgloader (Debian package) and
 * `sqlite3 -csv | psql COPY` plus the same index builds. Prints wall time, rows/s, peak memory and ratios.
 *
 *   npx tsx scripts/bench-transfer.ts [--sessions 100000] [--keep-db PATH]
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import process from 'node:process';
import { $ } from 'zx';
import { startLocalPostgres } from '../tests/support/local-postgres.ts';

interface Result {
  readonly name: string;
  readonly seconds: number;
  readonly peakMiB: number;
  readonly rows: number;
  readonly ok: boolean;
  readonly note: string;
}

const argument = (name: string, fallback: string) => {
  const index = process.argv.indexOf(name);
  return index === -1 ? fallback : (process.argv[index + 1] ?? fallback);
};

const sessions = Number(argument('--sessions', '100000'));
const work = mkdtempSync(path.join(tmpdir(), 'dbops-bench-'));
const database = argument('--keep-db', path.join(work, 'sessions.db'));
const quiet = $({ quiet: true, nothrow: true, verbose: false });

/** Runs a shell command under /usr/bin/time -v: wall seconds and peak resident memory of the largest process. */
async function measure(name: string, command: string, rows: number): Promise<Result> {
  const started = performance.now();
  const run = await quiet`/usr/bin/time -v bash -c ${command}`;
  const seconds = (performance.now() - started) / 1000;
  const peak = /Maximum resident set size \(kbytes\): (\d+)/.exec(run.stderr);
  const ok = run.exitCode === 0;
  const note = ok ? '' : run.stderr.split('\n').filter((l) => l.trim() && !/^\s+\w.*:/.test(l)).slice(-3).join(' | ');
  return { name, seconds, peakMiB: peak ? Number(peak[1]) / 1024 : 0, rows, ok, note };
}

const server = await startLocalPostgres();
try {
  if (!existsSync(database)) {
    console.log(`Generating ${sessions} sessions into ${database} ...`);
    await $({ stdio: 'inherit', verbose: false })`node bin/dbops.js sample --out ${database} --sessions ${sessions}`;
  }
  const counts = await quiet`sqlite3 ${database} "SELECT (SELECT count(*) FROM sessions) + (SELECT count(*) FROM messages)"`;
  const rows = Number(counts.stdout.trim());
  // Every tool starts with the file in the page cache; otherwise the first one measured pays for the disk.
  await quiet`cat ${database} > /dev/null`;
  const url = (db: string) => server.url.replace(/\/postgres$/, `/${db}`);
  for (const db of ['bench_dbops', 'bench_pgloader', 'bench_psql']) await quiet`psql ${server.url} -qc ${`CREATE DATABASE ${db}`}`;

  const results: Result[] = [];
  const report = path.join(work, 'dbops-report.json');
  results.push(await measure('dbops transfer (verified)', `node bin/dbops.js transfer --sqlite '${database}' --postgres '${url('bench_dbops')}' --report '${report}' > /dev/null`, rows));
  // pgloader only ever talks to the loopback server started above.
  results.push(await measure('pgloader', `pgloader --quiet '${database}' '${url('bench_pgloader')}'`, rows));
  const ddl = [
    'CREATE TABLE sessions (id text PRIMARY KEY, user_id text NOT NULL, title text, created_at timestamp NOT NULL, updated_at timestamp NOT NULL, message_count integer NOT NULL, is_active boolean NOT NULL, metadata jsonb)',
    "CREATE TABLE messages (id bigint PRIMARY KEY, session_id text NOT NULL, role text NOT NULL, content text NOT NULL, timestamp timestamp NOT NULL, metadata jsonb)",
  ].join('; ');
  const indexes = [
    'CREATE INDEX idx_sessions_user_id ON sessions(user_id)',
    'CREATE INDEX idx_sessions_updated_at ON sessions(updated_at)',
    'CREATE INDEX idx_messages_session_id ON messages(session_id)',
    'CREATE INDEX idx_messages_timestamp ON messages(timestamp)',
  ].join('; ');
  const psql = `psql '${url('bench_psql')}' -q -v ON_ERROR_STOP=1`;
  results.push(
    await measure(
      'sqlite3 -csv | psql COPY',
      `set -eo pipefail; ${psql} -c "${ddl}"; ` +
        `sqlite3 -csv '${database}' "SELECT id, user_id, title, created_at, updated_at, message_count, is_active, metadata FROM sessions" | ${psql} -c "COPY sessions FROM STDIN (FORMAT csv)"; ` +
        `sqlite3 -csv '${database}' "SELECT id, session_id, role, content, timestamp, metadata FROM messages" | ${psql} -c "COPY messages FROM STDIN (FORMAT csv)"; ` +
        `${psql} -c "${indexes}"`,
      rows,
    ),
  );

  const base = (name: string) => results.find((r) => r.name.startsWith(name));
  const dbops = base('dbops') as Result;
  console.log(`\n${rows} rows (${sessions} sessions), one local PostgreSQL 15, ${(await quiet`nproc`).stdout.trim()} cores\n`);
  console.log(`${'tool'.padEnd(28)} ${'wall s'.padStart(8)} ${'rows/s'.padStart(10)} ${'peak MiB'.padStart(9)} ${'dbops/this'.padStart(10)}  status`);
  for (const r of results) {
    console.log(
      `${r.name.padEnd(28)} ${r.seconds.toFixed(1).padStart(8)} ${Math.round(r.rows / r.seconds).toString().padStart(10)} ${r.peakMiB.toFixed(0).padStart(9)} ` +
        `${(dbops.seconds / r.seconds).toFixed(2).padStart(10)}  ${r.ok ? 'ok' : `FAILED ${r.note}`}`,
    );
  }
  const pgloader = base('pgloader') as Result;
  const pipeline = base('sqlite3') as Result;
  if (existsSync(report)) {
    const phases = (JSON.parse(readFileSync(report, 'utf8')) as { phases: { name: string; durationMs: number }[]; durationMs: number }).phases;
    const inPhases = phases.reduce((sum, p) => sum + p.durationMs, 0);
    console.log(`\ndbops phases: ${phases.map((p) => `${p.name} ${(p.durationMs / 1000).toFixed(1)} s`).join(', ')}; start, checks and statistics ${(dbops.seconds - inPhases / 1000).toFixed(1)} s`);
  }
  console.log(`\ntarget: dbops <= 0.5 x pgloader (${(dbops.seconds / pgloader.seconds).toFixed(2)}x) and <= sqlite3|psql (${(dbops.seconds / pipeline.seconds).toFixed(2)}x)`);
  process.exitCode = results.every((r) => r.ok) ? 0 : 1;
} finally {
  await server.stop();
  rmSync(work, { recursive: true, force: true });
}
