import { describe, expect, it } from 'vitest';
import { ExitCode } from '../../../src/errors/exit-codes.ts';
import { describeLocation, formatTransferFailure, TransferError, type TransferFailure } from '../../../src/errors/transfer-error.ts';
import { formatVerificationFailure, VerificationError, type VerificationFailure } from '../../../src/errors/verification-error.ts';

describe('formatTransferFailure: where, what, what to do', () => {
  it.each<[string, TransferFailure, number, string]>([
    [
      'a table alone',
      { table: 'users', problem: 'PostgreSQL refused the data: out of memory' },
      0,
      'table "users": PostgreSQL refused the data: out of memory',
    ],
    [
      'a column, with what to do',
      {
        table: 't',
        column: 'c',
        problem: 'the existing PostgreSQL table "public"."t" has no column "c".',
        fix: 'Drop the table (or use --if-exists truncate) so dbops creates it.',
      },
      0,
      'table "t", column "c": the existing PostgreSQL table "public"."t" has no column "c". Drop the table (or use --if-exists truncate) so dbops creates it.',
    ],
    [
      'one value in one row',
      {
        table: 'bad_text',
        column: 'name',
        rowid: 'id=2',
        problem: 'text holds a NUL byte, which PostgreSQL text cannot store.',
        fix: 'The table was not loaded.',
      },
      0,
      'table "bad_text", column "name", rowid id=2: text holds a NUL byte, which PostgreSQL text cannot store. The table was not loaded.',
    ],
    ['a row without a column', { table: 't', rowid: '7', problem: 'broken.' }, 0, 'table "t", rowid 7: broken.'],
    ['other tables failed too', { table: 't', problem: 'broken.' }, 2, 'table "t": broken. (2 more failure(s) are listed above and in the report.)'],
    [
      'names with quotes and spaces kept as SQLite has them',
      { table: 'my "odd" table', column: 'a b', problem: 'x.' },
      0,
      'table "my "odd" table", column "a b": x.',
    ],
  ])('%s', (_name, failure, others, expected) => {
    expect(formatTransferFailure(failure, others)).toBe(expected);
  });

  it('describeLocation names only what is known', () => {
    expect(describeLocation({ table: 't' })).toBe('table "t"');
    expect(describeLocation({ table: 't', column: 'c' })).toBe('table "t", column "c"');
    expect(describeLocation({ table: 't', column: 'c', rowid: 'id=1' })).toBe('table "t", column "c", rowid id=1');
  });

  it('TransferError carries the fields it was built from, and the formatted paragraph', () => {
    const error = new TransferError({ table: 't', column: 'c', rowid: 'id=2', problem: 'bad.', fix: 'Fix it.' }, { otherFailures: 1 });
    expect(error).toMatchObject({ table: 't', column: 'c', rowid: 'id=2', problem: 'bad.', fix: 'Fix it.', otherFailures: 1, exitCode: ExitCode.failure });
    expect(error.message).toBe('table "t", column "c", rowid id=2: bad. Fix it. (1 more failure(s) are listed above and in the report.)');
  });
});

describe('formatVerificationFailure: the verdict, the differences, what to do', () => {
  const many = Array.from({ length: 14 }, (_, i) => ({ table: `t${i}`, detail: `SQLite has ${i} rows, PostgreSQL 0` }));
  it.each<[string, VerificationFailure, string]>([
    [
      'a verdict alone',
      { what: 'The archive on disk differs from what pg_dump sent.', differences: [] },
      'The archive on disk differs from what pg_dump sent.',
    ],
    [
      'tables that differ, then what to do',
      {
        what: 'Verification failed: 2 table(s) in PostgreSQL differ from the SQLite source:',
        differences: [
          { table: 'pairs', detail: 'first differing row: a="x", b=2' },
          { table: 'users', detail: 'SQLite has 10 rows, PostgreSQL 9' },
        ],
        fix: 'Run `dbops transfer --if-exists truncate` to copy the database again.',
      },
      'Verification failed: 2 table(s) in PostgreSQL differ from the SQLite source:\n' +
        '  pairs: first differing row: a="x", b=2\n' +
        '  users: SQLite has 10 rows, PostgreSQL 9\n' +
        'Run `dbops transfer --if-exists truncate` to copy the database again.',
    ],
    [
      'differences without a table, as lines',
      { what: 'The restored database x does not hold what the archive holds.', differences: [{ detail: 'public.a: 3 in the archive, 2 restored' }] },
      'The restored database x does not hold what the archive holds.\n  public.a: 3 in the archive, 2 restored',
    ],
    [
      'twelve listed, the rest counted',
      { what: 'Differs:', differences: many },
      ['Differs:', ...many.slice(0, 12).map((d) => `  ${d.table}: ${d.detail}`), '  ... and 2 more'].join('\n'),
    ],
  ])('%s', (_name, failure, expected) => {
    expect(formatVerificationFailure(failure)).toBe(expected);
  });

  it('one VerificationError for both sides: lines or table differences, exit code 8, the fields kept', () => {
    const backup = new VerificationError('The new archive could not be read back in full.', ['table a: short read']);
    expect(backup.message).toBe('The new archive could not be read back in full.\n  table a: short read');
    expect(backup.differences).toEqual([{ detail: 'table a: short read' }]);
    expect(backup.exitCode).toBe(ExitCode.verification);
    const transfer = new VerificationError('Verification failed: 1 table(s) in PostgreSQL differ from the SQLite source:', [{ table: 't', detail: 'x' }], {
      fix: 'Again.',
    });
    expect(transfer).toMatchObject({
      what: 'Verification failed: 1 table(s) in PostgreSQL differ from the SQLite source:',
      differences: [{ table: 't', detail: 'x' }],
      fix: 'Again.',
    });
    expect(transfer.message).toBe('Verification failed: 1 table(s) in PostgreSQL differ from the SQLite source:\n  t: x\nAgain.');
  });
});
