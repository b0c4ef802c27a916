import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { LockedError } from '../../../src/errors/locked-error.ts';
import { acquireBackupLock, lockFileName } from '../../../src/backup/backup-lock.ts';
import { ExitCode } from '../../../src/errors/exit-codes.ts';
import { tempDir } from '../../support/temp-dir.ts';

describe('acquireBackupLock', () => {
  const dirs: { remove: () => void }[] = [];
  const fresh = () => {
    const dir = tempDir('dbops-lock-');
    dirs.push(dir);
    return dir.path;
  };
  afterEach(() => dirs.splice(0).forEach((dir) => dir.remove()));

  it('lets one run in and refuses the second with exit code 9 until the first releases', () => {
    const dir = fresh();
    const first = acquireBackupLock(dir, 'backup');
    expect(JSON.parse(readFileSync(first.file, 'utf8'))).toMatchObject({ pid: process.pid, command: 'backup' });
    let refused: unknown;
    try {
      acquireBackupLock(dir, 'restore');
    } catch (error) {
      refused = error;
    }
    expect(refused).toBeInstanceOf(LockedError);
    expect((refused as LockedError).exitCode).toBe(ExitCode.locked);
    expect((refused as Error).message).toMatch(/dbops backup, process \d+ on /);
    first.release();
    expect(existsSync(first.file)).toBe(false);
    acquireBackupLock(dir, 'restore').release();
  });

  it('takes over a lock left by a process that no longer runs on this machine', () => {
    const dir = fresh();
    writeFileSync(path.join(dir, lockFileName), JSON.stringify({ pid: 999_999, host: hostname(), command: 'backup', since: 'yesterday' }));
    const lock = acquireBackupLock(dir, 'backup', () => false);
    expect(JSON.parse(readFileSync(lock.file, 'utf8')).pid).toBe(process.pid);
    lock.release();
  });

  it('respects a lock held from another machine, and an unreadable one', () => {
    const dir = fresh();
    writeFileSync(path.join(dir, lockFileName), JSON.stringify({ pid: 1, host: 'elsewhere', command: 'backup', since: 'now' }));
    expect(() => acquireBackupLock(dir, 'backup', () => false)).toThrow(/on elsewhere/);
    writeFileSync(path.join(dir, lockFileName), 'garbage');
    expect(() => acquireBackupLock(dir, 'backup', () => false)).toThrow(/unreadable/);
  });
});
