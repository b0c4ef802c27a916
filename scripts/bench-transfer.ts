/**
 * `make bench` / `npm run bench`: generates the sessions-like benchmark database (default 100k
 * sessions, 1M messages), then loads it into one throwaway local PostgreSQL three ways, side by
 * side: dbops transfer (with its verification), pgloader (Debian package) and
 * `sqlite3 -csv | psql COPY` plus the same index builds. Each round runs all three into fresh
 * databases (the order turns each round); prints the median wall time with the fastest and
 * slowest, rows/s, peak memory, and the ratios taken within each round.
 *
 *   npx tsx scripts/bench-transfer.ts [--sessions 100000] [--runs 3] [--keep-db PATH] [--dbops-args='--encoder-thread']
 *
 * --dbops-args adds options to dbops transfer, e.g. to measure what a worker thread gains.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import process from 'node:process';
import { parseArgs } from 'node:util';
import { $ } from 'zx';
import { startLocalPostgres } from '../tests/support/local-postgres.ts';

interface Result {
  readonly name: string;
  readonly seconds: number;
  /** Busy CPU seconds of the whole machine meanwhile (the tool, PostgreSQL, everything): what a run costs on fewer or more cores. */
  readonly cpuSeconds: number;
  readonly peakMiB: number;
  readonly rows: number;
  readonly ok: boolean;
  readonly note: string;
}

const { values } = parseArgs({
  options: {
    sessions: { type: 'string', default: '100000' },
    runs: { type: 'string', default: '3' },
    'keep-db': { type: 'string' },
    'dbops-args': { type: 'string', default: '' },
  },
});
const sessions = Number(values.sessions);
const runs = Math.max(1, Number(values.runs));
const work = mkdtempSync(path.join(tmpdir(), 'dbops-bench-'));
const database = values['keep-db'] ?? path.join(work, 'sessions.db');
const quiet = $({ quiet: true, nothrow: true, verbose: false });

/** Busy CPU time of the machine so far, in seconds (all cores: user, nice, system, irq, softirq, steal; /proc/stat counts in 1/100 s). */
function busyCpuSeconds(): number {
  const fields = (readFileSync('/proc/stat', 'utf8').split('\n')[0] ?? '').trim().split(/\s+/).slice(1).map(Number);
  const [user = 0, nice = 0, system = 0, , , irq = 0, softirq = 0, steal = 0] = fields;
  return (user + nice + system + irq + softirq + steal) / 100;
}

/** Runs a shell command under /usr/bin/time -v: wall seconds, the machine's busy CPU seconds, and peak resident memory of the largest process. */
async function measure(name: string, command: string, rows: number): Promise<Result> {
  const started = performance.now();
  const busyBefore = busyCpuSeconds();
  const run = await quiet`/usr/bin/time -v bash -c ${command}`;
  const seconds = (performance.now() - started) / 1000;
  const cpuSeconds = busyCpuSeconds() - busyBefore;
  const peak = /Maximum resident set size \(kbytes\): (\d+)/.exec(run.stderr);
  const ok = run.exitCode === 0;
  const note = ok
    ? ''
    : run.stderr
        .split('\n')
        .filter((l) => l.trim() && !/^\s+\w.*:/.test(l))
        .slice(-3)
        .join(' | ');
  return { name, seconds, cpuSeconds, peakMiB: peak ? Number(peak[1]) / 1024 : 0, rows, ok, note };
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
  const report = path.join(work, 'dbops-report.json');
  const ddl = [
    'CREATE TABLE sessions (id text PRIMARY KEY, user_id text NOT NULL, title text, created_at timestamp NOT NULL, ' +
      'updated_at timestamp NOT NULL, message_count integer NOT NULL, is_active boolean NOT NULL, metadata jsonb)',
    'CREATE TABLE messages (id bigint PRIMARY KEY, session_id text NOT NULL, role text NOT NULL, content text NOT ' +
      'NULL, timestamp timestamp NOT NULL, metadata jsonb)',
  ].join('; ');
  const indexes = [
    'CREATE INDEX idx_sessions_user_id ON sessions(user_id)',
    'CREATE INDEX idx_sessions_updated_at ON sessions(updated_at)',
    'CREATE INDEX idx_messages_session_id ON messages(session_id)',
    'CREATE INDEX idx_messages_timestamp ON messages(timestamp)',
  ].join('; ');
  const psql = `psql '${url('bench_psql')}' -q -v ON_ERROR_STOP=1`;
  const dbopsArgs = values['dbops-args'] ? ` ${values['dbops-args']}` : '';
  const dbopsTool = {
    name: 'dbops transfer (verified)',
    database: 'bench_dbops',
    command: `node bin/dbops.js transfer --sqlite '${database}' --postgres '${url('bench_dbops')}' --report '${report}'${dbopsArgs} > /dev/null`,
  };
  // pgloader only ever talks to the loopback server started above.
  const pgloaderTool = { name: 'pgloader', database: 'bench_pgloader', command: `pgloader --quiet '${database}' '${url('bench_pgloader')}'` };
  const pipelineTool = {
    name: 'sqlite3 -csv | psql COPY',
    database: 'bench_psql',
    command:
      `set -eo pipefail; ${psql} -c "${ddl}"; ` +
      `sqlite3 -csv '${database}' "SELECT id, user_id, title, created_at, updated_at, message_count, is_active, ` +
      `metadata FROM sessions" | ${psql} -c "COPY sessions FROM STDIN (FORMAT csv)"; ` +
      `sqlite3 -csv '${database}' "SELECT id, session_id, role, content, timestamp, metadata FROM messages" | ${psql} ` +
      `-c "COPY messages FROM STDIN (FORMAT csv)"; ` +
      `${psql} -c "${indexes}"`,
  };
  const tools = [dbopsTool, pgloaderTool, pipelineTool];

  const results = new Map<string, Result[]>(tools.map((t) => [t.name, []]));
  const phases: string[] = [];
  for (let round = 0; round < runs; round += 1) {
    // Each tool goes first in turn, so none always meets the machine in the same state.
    for (let i = 0; i < tools.length; i += 1) {
      const tool = tools[(round + i) % tools.length] as (typeof tools)[number];
      await quiet`psql ${server.url} -qc ${`DROP DATABASE IF EXISTS ${tool.database}`} -c ${`CREATE DATABASE ${tool.database}`}`;
      results.get(tool.name)?.push(await measure(tool.name, tool.command, rows));
    }
    if (existsSync(report)) {
      const run = JSON.parse(readFileSync(report, 'utf8')) as { phases: { name: string; durationMs: number }[] };
      phases.push(run.phases.map((p) => `${p.name} ${(p.durationMs / 1000).toFixed(1)} s`).join(', '));
    }
    console.log(`round ${round + 1}/${runs}: ${tools.map((t) => `${t.name} ${results.get(t.name)?.[round]?.seconds.toFixed(1)} s`).join(', ')}`);
  }

  const median = (list: number[]) => [...list].sort((a, b) => a - b)[Math.floor(list.length / 2)] ?? NaN;
  const spread = (list: number[], digits: number) => (list.length > 1 ? `${Math.min(...list).toFixed(digits)}-${Math.max(...list).toFixed(digits)}` : '');
  const dbops = results.get(dbopsTool.name) as Result[];
  // Ratios within each round: the tools ran minutes apart on the same machine, not hours.
  const ratios = (name: string) => dbops.map((r, i) => r.seconds / ((results.get(name) as Result[])[i] as Result).seconds);
  const cores = (await quiet`nproc`).stdout.trim();
  console.log(
    `\n${rows} rows (${sessions} sessions), one local PostgreSQL 15, ${cores} cores, ${runs} round(s): medians, fastest-slowest after them; ` +
      "CPU s: the whole machine's busy CPU time during the run\n",
  );
  const header = [
    'tool'.padEnd(28),
    'wall s'.padStart(8),
    ''.padEnd(11),
    'CPU s'.padStart(6),
    'rows/s'.padStart(10),
    'peak MiB'.padStart(9),
    'dbops/this'.padStart(10),
    ''.padEnd(9),
  ];
  console.log(`${header.join(' ')}  status`);
  for (const tool of tools) {
    const list = results.get(tool.name) as Result[];
    const seconds = list.map((r) => r.seconds);
    const ratio = ratios(tool.name);
    const failed = list.find((r) => !r.ok);
    console.log(
      `${tool.name.padEnd(28)} ${median(seconds).toFixed(1).padStart(8)} ${spread(seconds, 1).padEnd(11)} ${median(list.map((r) => r.cpuSeconds))
        .toFixed(1)
        .padStart(6)} ${Math.round(rows / median(seconds))
        .toString()
        .padStart(10)} ` +
        `${median(list.map((r) => r.peakMiB))
          .toFixed(0)
          .padStart(9)} ${median(ratio).toFixed(2).padStart(10)} ${spread(ratio, 2).padEnd(9)}  ${failed ? `FAILED ${failed.note}` : 'ok'}`,
    );
  }
  if (phases.length > 0) console.log(`\ndbops phases (excluding start, checks and planning):\n${phases.map((p) => `  ${p}`).join('\n')}`);
  const [pgloader, pipeline] = [median(ratios(pgloaderTool.name)), median(ratios(pipelineTool.name))];
  console.log(`\ntarget: dbops <= 0.5 x pgloader (median ${pgloader.toFixed(2)}x) and <= sqlite3|psql (median ${pipeline.toFixed(2)}x)`);
  process.exitCode = [...results.values()].flat().every((r) => r.ok) ? 0 : 1;
} finally {
  await server.stop();
  rmSync(work, { recursive: true, force: true });
}
