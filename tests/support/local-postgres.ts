import { chmodSync, chownSync, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import path from 'node:path';
import { execa } from 'execa';
import { freePort } from './free-port.ts';

export const postgresBin = process.env.DBOPS_PG_BIN ?? '/usr/lib/postgresql/15/bin';

export interface LocalPostgres {
  /** Superuser URL on 127.0.0.1, e.g. postgresql://dbops:dbops@127.0.0.1:54012/postgres */
  readonly url: string;
  readonly port: number;
  stop(): Promise<void>;
}

/**
 * A throwaway PostgreSQL server from the machine's own binaries, on a free loopback port, for
 * integration tests and benchmarks. PostgreSQL refuses to run as root, so as root the cluster
 * belongs to the `postgres` system user. Durability is off: the data is disposable.
 */
export async function startLocalPostgres(): Promise<LocalPostgres> {
  if (!existsSync(path.join(postgresBin, 'initdb'))) {
    throw new Error(`PostgreSQL server binaries are not in ${postgresBin}. Install them (Debian: apt-get install postgresql-15) or set DBOPS_PG_BIN.`);
  }
  const dir = mkdtempSync(path.join(tmpdir(), 'dbops-pg-'));
  const data = path.join(dir, 'data');
  const port = await freePort();
  const asRoot = userInfo().uid === 0;
  const owner = asRoot ? await systemUser('postgres') : undefined;
  if (owner) {
    chownSync(dir, owner.uid, owner.gid);
    chmodSync(dir, 0o700);
  }
  const run = (file: string, args: string[]) =>
    owner
      ? execa('runuser', ['-u', 'postgres', '--', path.join(postgresBin, file), ...args], { cwd: dir })
      : execa(path.join(postgresBin, file), args, { cwd: dir });
  const passwordFile = path.join(dir, 'pwfile');
  writeFileSync(passwordFile, 'dbops\n');
  if (owner) chownSync(passwordFile, owner.uid, owner.gid);
  await run('initdb', ['-D', data, '-U', 'dbops', '--pwfile', passwordFile, '-A', 'scram-sha-256', '-E', 'UTF8', '--locale', 'C.UTF-8', '--no-sync']);
  await run('pg_ctl', [
    '-D',
    data,
    '-l',
    path.join(dir, 'server.log'),
    '-w',
    '-t',
    '60',
    'start',
    '-o',
    `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=100`,
  ]);
  return {
    url: `postgresql://dbops:dbops@127.0.0.1:${port}/postgres`,
    port,
    async stop() {
      await run('pg_ctl', ['-D', data, '-m', 'fast', '-w', 'stop']).catch(() => undefined);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

async function systemUser(name: string): Promise<{ uid: number; gid: number }> {
  const [uid, gid] = await Promise.all([execa('id', ['-u', name]), execa('id', ['-g', name])]);
  return { uid: Number(uid.stdout), gid: Number(gid.stdout) };
}
