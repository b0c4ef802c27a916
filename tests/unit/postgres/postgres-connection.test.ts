import { describe, expect, it } from 'vitest';
import { describeTarget, isLocalTarget } from '../../../src/postgres/postgres-connection.ts';

describe('describeTarget', () => {
  it.each([
    [{ url: 'postgresql://app:s3cret@127.0.0.1:5432/appdb' }, 'app@127.0.0.1:5432/appdb'],
    [{ url: 'postgresql://127.0.0.1/appdb' }, '127.0.0.1/appdb'],
    [{ host: '127.0.0.1', port: 55432, user: 'app', password: 's3cret', database: 'appdb' }, 'app@127.0.0.1:55432/appdb'],
    [{ url: 'not a url s3cret' }, 'the given PostgreSQL URL'],
  ])('shows %o as %s, never the password', (target, shown) => {
    expect(describeTarget(target)).toBe(shown);
    expect(describeTarget(target)).not.toContain('s3cret');
  });
});

describe('isLocalTarget', () => {
  it.each([
    [{ url: 'postgresql://app@127.0.0.1:5432/appdb' }, true],
    [{ url: 'postgresql://app@localhost/appdb' }, true],
    [{ url: 'postgresql://app@[::1]:5432/appdb' }, true],
    [{ url: 'postgresql:///appdb' }, true],
    [{ url: 'postgresql:///appdb?host=/var/run/postgresql' }, true],
    [{ host: '127.0.0.1', port: 55432, user: 'app', password: 'x', database: 'appdb' }, true],
    [{ url: 'postgresql://app@db.internal:5432/appdb' }, false],
    [{ url: 'postgresql://app@10.0.0.5/appdb' }, false],
    [{ url: 'postgresql:///appdb?host=db.internal' }, false],
    [{ host: 'postgres', port: 5432, user: 'app', password: 'x', database: 'appdb' }, false],
    [{ url: 'not a url' }, false],
  ])('%o is local: %s', (target, local) => {
    expect(isLocalTarget(target)).toBe(local);
  });
});
