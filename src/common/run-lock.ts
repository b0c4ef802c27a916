import { closeSync, mkdirSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { hostname } from 'node:os';
import path from 'node:path';
import { LockedError } from '../errors/locked-error.ts';

export interface RunLock {
  readonly file: string;
  release(): void;
}

interface LockHolder {
  readonly pid: number;
  readonly host: string;
  readonly command: string;
  readonly since: string;
}

/** Whether a process id is alive on this machine; injectable for tests. */
export type ProcessAlive = (pid: number) => boolean;

const processAlive: ProcessAlive = (pid) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
};

/**
 * Takes the lock file `file` for one dbops run. Created with O_EXCL, so exactly one process wins.
 * A lock left by a process that no longer runs on this machine is taken over; a lock held from
 * another machine (a shared directory) is always respected.
 */
export function acquireRunLock(file: string, what: string, command: string, alive: ProcessAlive = processAlive): RunLock {
  mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  const me: LockHolder = { pid: process.pid, host: hostname(), command, since: new Date().toISOString() };
  for (let attempt = 0; attempt < 2; attempt += 1) {
    try {
      const fd = openSync(file, 'wx', 0o600);
      try {
        writeSync(fd, `${JSON.stringify(me)}\n`);
      } finally {
        closeSync(fd);
      }
      let released = false;
      return {
        file,
        release: () => {
          if (released) return;
          released = true;
          rmSync(file, { force: true });
        },
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const holder = readHolder(file);
      const stale = holder !== undefined && holder.host === me.host && !alive(holder.pid);
      if (!stale || attempt > 0) throw new LockedError(file, describeHolder(holder), what);
      rmSync(file, { force: true });
    }
  }
  throw new LockedError(file, 'holder unknown', what);
}

function readHolder(file: string): LockHolder | undefined {
  try {
    const parsed = JSON.parse(readFileSync(file, 'utf8')) as Partial<LockHolder>;
    return typeof parsed.pid === 'number' && typeof parsed.host === 'string'
      ? { pid: parsed.pid, host: parsed.host, command: String(parsed.command ?? '?'), since: String(parsed.since ?? '?') }
      : undefined;
  } catch {
    return undefined;
  }
}

function describeHolder(holder: LockHolder | undefined): string {
  return holder ? `dbops ${holder.command}, process ${holder.pid} on ${holder.host}, since ${holder.since}` : 'holder unknown: the lock file is unreadable';
}

/** The lock of one compose stack: migrate, rollback and restore never overlap on it. */
export function acquireStackLock(projectDir: string, project: string, command: string): RunLock {
  return acquireRunLock(path.join(projectDir, 'runs', `${project}.lock`), `stack ${project}`, command);
}
