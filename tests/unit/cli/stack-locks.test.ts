import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { acquireCommandLocks, excludes, isReadOnly, lockRule, type CommandName } from '../../../src/cli/stack-locks.ts';
import type { Config } from '../../../src/config/config.ts';
import { LockedError } from '../../../src/errors/locked-error.ts';
import { fakeConfig } from '../../support/fake-stack.ts';
import { tempDir } from '../../support/temp-dir.ts';

const changing: CommandName[] = ['migrate', 'rollback', 'backup', 'restore', 'down --volumes'];
const reading: CommandName[] = ['backups', 'config'];

describe('the lock rule', () => {
  it('covers every command', () => {
    expect(Object.keys(lockRule).sort()).toEqual([...changing, ...reading].sort());
  });

  it.each(changing.flatMap((a) => changing.map((b) => [a, b] as const)))('%s and %s exclude each other on the same stack', (a, b) => {
    expect(excludes(a, b)).toBe(true);
  });

  it.each(reading.flatMap((a) => [...changing, ...reading].map((b) => [a, b] as const)))('%s takes no lock, so %s never waits for it', (a, b) => {
    expect(isReadOnly(a)).toBe(true);
    expect(excludes(a, b)).toBe(false);
    expect(excludes(b, a)).toBe(false);
  });

  it('backup and restore also share the backup directory, which other stacks may use', () => {
    expect(lockRule.backup.backups && lockRule.restore.backups).toBe(true);
    expect(lockRule.migrate.backups).toBe(false);
  });
});

describe('acquireCommandLocks', () => {
  let dir: { path: string; remove: () => void };
  let config: Config;
  beforeEach(() => {
    dir = tempDir('dbops-stack-locks-');
    config = fakeConfig(dir.path);
  });
  afterEach(() => dir.remove());

  it('a second command that shares a lock is refused until the first releases it', () => {
    const migrate = acquireCommandLocks('migrate', config, dir.path);
    expect(() => acquireCommandLocks('down --volumes', config, dir.path)).toThrow(LockedError);
    migrate.release();
    acquireCommandLocks('down --volumes', config, dir.path).release();
  });

  it('a backup of another stack waits for the shared backup directory, and a refused command keeps no lock it took first', () => {
    const other = { ...config, composeProject: 'other' } as Config;
    const backup = acquireCommandLocks('backup', other, dir.path);
    expect(() => acquireCommandLocks('restore', config, dir.path)).toThrow(/the backups in/);
    // The restore's stack lock, taken before the backup lock was refused, was given back.
    acquireCommandLocks('migrate', config, dir.path).release();
    backup.release();
  });

  it('read-only commands run beside anything', () => {
    const restore = acquireCommandLocks('restore', config, dir.path);
    acquireCommandLocks('backups', config, dir.path).release();
    acquireCommandLocks('config', config, dir.path).release();
    restore.release();
  });
});
