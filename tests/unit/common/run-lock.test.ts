import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { acquireRunLock } from '../../../src/common/run-lock.ts';
import { LockedError } from '../../../src/errors/locked-error.ts';
import { ExitCode } from '../../../src/errors/exit-codes.ts';
import { tempDir } from '../../support/temp-dir.ts';

describe('acquireRunLock', () => {
  let dir: ReturnType<typeof tempDir>;
  let file: string;
  beforeEach(() => {
    dir = tempDir();
    file = path.join(dir.path, 'runs', 'stack.lock');
    mkdirSync(path.dirname(file));
  });
  afterEach(() => dir.remove());

  it('lets one run in and refuses a second, naming the holder', () => {
    const lock = acquireRunLock(file, 'stack lawfirm-dev', 'migrate', () => true);
    const second = (() => {
      try {
        acquireRunLock(file, 'stack lawfirm-dev', 'rollback', () => true);
      } catch (error) {
        return error;
      }
    })();
    expect(second).toBeInstanceOf(LockedError);
    expect((second as LockedError).exitCode).toBe(ExitCode.locked);
    expect((second as LockedError).message).toMatch(new RegExp(`lock for stack lawfirm-dev \\(dbops migrate, process ${process.pid}`));
    lock.release();
    acquireRunLock(file, 'stack lawfirm-dev', 'rollback', () => true).release();
  });

  it('takes over a lock whose process is gone on this machine', () => {
    acquireRunLock(file, 'x', 'migrate', () => true); // left behind, as by a killed run
    const lock = acquireRunLock(file, 'x', 'backup', () => false);
    expect(JSON.parse(readFileSync(file, 'utf8'))).toMatchObject({ command: 'backup', pid: process.pid });
    lock.release();
  });

  it('respects a lock held from another machine even if the pid is unknown here', () => {
    writeFileSync(file, JSON.stringify({ pid: 1, host: `not-${hostname()}`, command: 'migrate', since: 'then' }));
    expect(() => acquireRunLock(file, 'x', 'migrate', () => false)).toThrow(LockedError);
  });
});
