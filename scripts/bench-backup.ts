/**
 * `make bench-backup`: dbops backup and restore against the plain commands, side by side, on one
 * throwaway stack (unique compose project, free loopback ports, local images; removed at the end):
 *
 *   plain backup   docker exec <postgres> pg_dump -Fc -U <user> -d <db> > file
 *   dbops backup   dbops backup --verify read   (its dump phase, its verification, and the whole command)
 *   plain restore  docker exec -i <postgres> pg_restore --no-owner -d <fresh db> < file
 *   dbops restore  dbops restore   (its restore phase, and the whole command with checks, safety backup, swap)
 *
 * Each is run --runs times (alternating), and the median is reported.
 *
 *   npx tsx scripts/bench-backup.ts [--sessions 20000] [--messages 200000] [--runs 3]
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { $ } from 'zx';
import { offlineImages } from './offline-images.ts';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

const { values } = parseArgs({
  options: {
    sessions: { type: 'string', default: '20000' },
    messages: { type: 'string', default: '200000' },
    runs: { type: 'string', default: '3' },
  },
});
const sessions = Number(values.sessions);
const messages = Number(values.messages);
const runs = Number(values.runs);

const freePort = () =>
  new Promise<number>((resolve, reject) => {
    const server = createServer().once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });

const seedSql = `
CREATE TABLE sessions (id text PRIMARY KEY, user_id text NOT NULL, title text, created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(), message_count integer NOT NULL DEFAULT 0, is_active boolean NOT NULL DEFAULT true, metadata jsonb);
CREATE TABLE messages (id bigserial PRIMARY KEY, session_id text NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
  role text NOT NULL, content text NOT NULL, "timestamp" timestamptz NOT NULL DEFAULT now(), metadata jsonb);
INSERT INTO sessions SELECT format('s-%s', g), format('u-%s', g % 997), format('상담 %s', g), now() - g * interval '1 minute',
  now() - g * interval '30 seconds', 10, g % 5 <> 0, jsonb_build_object('n', g) FROM generate_series(1, ${sessions}) g;
INSERT INTO messages (session_id, role, content, "timestamp") SELECT format('s-%s', 1 + (g % ${sessions})), (ARRAY['user', 'assistant'])[1 + g % 2],
  repeat(format('계약서 검토 의견 %s: 손해배상 조항과 관할 법원을 확인해 주세요 %s. ', g, md5(g::text)), 1 + g % 4), now() - g * interval '1 second'
  FROM generate_series(1, ${messages}) g;
CREATE INDEX idx_messages_session_id ON messages(session_id);
ANALYZE;
`;

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? NaN;
const secondsIn = (text: string, pattern: RegExp) => Number(pattern.exec(text)?.[1] ?? NaN);
const timed = async (work: () => Promise<unknown>) => {
  const started = performance.now();
  await work();
  return (performance.now() - started) / 1000;
};

async function main(): Promise<void> {
  const work = await mkdtemp(path.join(tmpdir(), 'dbops-bench-'));
  const project = `dbops-bench-${randomBytes(3).toString('hex')}`;
  const env = {
    ...process.env,
    COMPOSE_PROJECT_NAME: project,
    POSTGRES_PORT: String(await freePort()),
    API_PORT: String(await freePort()),
    SQLITE_PATH: path.join(work, 'data', 'api_sessions.db'),
    BACKUP_DIR: path.join(work, 'backups'),
    POSTGRES_IMAGE: process.env.POSTGRES_IMAGE ?? offlineImages.postgres,
    NODE_IMAGE: process.env.NODE_IMAGE ?? offlineImages.node,
  };
  const sh = $({ cwd: root, env, quiet: true, verbose: false });
  const dbops = (...args: string[]) => sh`node bin/dbops.js ${args}`;
  try {
    console.log(`Stack ${project}: ${sessions} sessions, ${messages} messages; ${runs} runs each.`);
    await dbops('sample', '--out', env.SQLITE_PATH, '--sessions', '10', '--messages-per-session', '1');
    await dbops('up', '--env', 'development');
    const container = (
      await sh`docker ps -q --filter label=com.docker.compose.project=${project} --filter label=com.docker.compose.service=postgres`
    ).stdout.trim();
    const psql = (sql: string, database = 'lawfirm') =>
      sh({ input: sql })`docker exec -i ${container} psql -X -q -v ON_ERROR_STOP=1 -At -U lawfirm -d ${database}`;
    const loading = await timed(() => psql(seedSql));
    const size = (await psql("SELECT pg_size_pretty(pg_database_size('lawfirm'));")).stdout.trim();
    console.log(`Loading data: ${loading.toFixed(1)} s; database ${size}`);

    const plainFile = path.join(work, 'plain.dump');
    const results = {
      plainDump: [] as number[],
      dbopsDump: [] as number[],
      dbopsVerify: [] as number[],
      dbopsBackup: [] as number[],
      plainRestore: [] as number[],
      dbopsRestorePhase: [] as number[],
      dbopsRestore: [] as number[],
    };
    let dbopsFile = '';
    for (let run = 0; run < runs; run += 1) {
      results.plainDump.push(await timed(() => sh`bash -c ${'docker exec "$0" pg_dump -Fc -U lawfirm -d lawfirm > "$1"'} ${container} ${plainFile}`));
      let output = '';
      results.dbopsBackup.push(await timed(async () => (output = (await dbops('backup', '--env', 'development', '--no-retention')).stdout)));
      results.dbopsDump.push(secondsIn(output, /dump ([\d.]+) s, verification/));
      results.dbopsVerify.push(secondsIn(output, /verification \(read\) ([\d.]+) s/));
      dbopsFile = /^backup: (.+)$/m.exec(output)?.[1] ?? dbopsFile;
    }
    const sizes = { plain: (await stat(plainFile)).size, dbops: (await stat(dbopsFile)).size };
    for (let run = 0; run < runs; run += 1) {
      await psql('DROP DATABASE IF EXISTS bench_plain; CREATE DATABASE bench_plain;', 'postgres');
      const plainRestore = 'docker exec -i "$0" pg_restore --no-owner --no-privileges --exit-on-error -U lawfirm -d bench_plain < "$1"';
      results.plainRestore.push(await timed(() => sh`bash -c ${plainRestore} ${container} ${plainFile}`));
      await psql('DROP DATABASE bench_plain;', 'postgres');
      let output = '';
      results.dbopsRestore.push(await timed(async () => (output = (await dbops('restore', '--env', 'development', '--', dbopsFile)).stdout)));
      results.dbopsRestorePhase.push(secondsIn(output, /Restored into dbops_restore_\d+ in ([\d.]+) s/));
    }
    const m = Object.fromEntries(Object.entries(results).map(([key, list]) => [key, median(list)])) as Record<keyof typeof results, number>;
    type Key = keyof typeof results;
    const row = (label: string, key: Key, note = '') => {
      const range = `(${Math.min(...results[key]).toFixed(2)}-${Math.max(...results[key]).toFixed(2)})`;
      console.log(`${label.padEnd(50)} ${m[key].toFixed(2).padStart(6)} s ${range.padEnd(13)} ${note}`);
    };
    console.log(
      `\nArchive size: plain ${(sizes.plain / 1048576).toFixed(1)} MiB, dbops ${(sizes.dbops / 1048576).toFixed(1)} MiB ` +
        `(medians of ${runs} runs below, fastest-slowest in brackets)`,
    );
    row('plain docker exec pg_dump -Fc > file', 'plainDump');
    row('dbops backup: dump phase (verification excluded)', 'dbopsDump', `ratio ${(m.dbopsDump / m.plainDump).toFixed(2)}x (target <= 1.1x)`);
    row('dbops backup: verification (read back in full)', 'dbopsVerify', `${((m.dbopsVerify / m.dbopsDump) * 100).toFixed(0)}% of the dump`);
    row('dbops backup: whole command', 'dbopsBackup', 'includes CLI start, compose checks, version checks, manifest');
    row('plain docker exec -i pg_restore < file', 'plainRestore');
    row('dbops restore: restore phase', 'dbopsRestorePhase', `ratio ${(m.dbopsRestorePhase / m.plainRestore).toFixed(2)}x`);
    row('dbops restore: whole command', 'dbopsRestore', 'includes full-read check, safety backup, verify, swap, api restart, ANALYZE');
  } finally {
    await dbops('down', '--env', 'development', '--volumes', '--yes').catch(() => undefined);
    await rm(work, { recursive: true, force: true });
  }
}

await main();
