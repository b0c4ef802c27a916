import { describe, expect, it } from 'vitest';
import { CopyTextWriter } from '../../../src/transfer/copy-text-writer.ts';
import { encodeValue, replaceInvalidText, type SourceValue } from '../../../src/transfer/encode-value.ts';
import { encodeRow } from '../../../src/transfer/table-rows.ts';
import { numericType, targetType, type TargetKind } from '../../../src/transfer/target-type.ts';

const text = (s: string) => Buffer.from(s, 'utf8');
const encode = (kind: Exclude<TargetKind, 'numeric'>, value: Exclude<SourceValue, null>) => {
  const writer = new CopyTextWriter(16);
  const problem = encodeValue(writer, targetType(kind), value);
  return problem ?? writer.take().toString('utf8');
};

describe('COPY text encoding', () => {
  it.each<[Exclude<TargetKind, 'numeric'>, Exclude<SourceValue, null>, unknown]>([
    ['text', text('plain'), 'plain'],
    ['text', text('tab\there'), 'tab\\there'],
    ['text', text('line\nbreak\r\n'), 'line\\nbreak\\r\\n'],
    ['text', text('back\\slash'), 'back\\\\slash'],
    ['text', text('\b\f\v'), '\\b\\f\\v'],
    ['text', text('한국어 텍스트'), '한국어 텍스트'],
    ['text', text('\\N'), '\\\\N'],
    ['text', 12n, '12'],
    ['text', 1.5, '1.5'],
    ['text', text('nul\0byte'), { type: 'nul' }],
    ['text', Buffer.from([0x66, 0x96, 0x6e]), { type: 'utf8' }],
    ['bytea', Buffer.from([0, 1, 0xff, 0x5c]), '\\\\x0001ff5c'],
    ['bytea', text('abc'), '\\\\x616263'],
    ['bigint', 9007199254740993n, '9007199254740993'],
    ['integer', 3_000_000_000n, { type: 'convert' }],
    ['double', 0.1, '0.1'],
    ['double', 9007199254740993n, { type: 'convert' }],
    ['boolean', 1n, 't'],
    ['boolean', 0n, 'f'],
    ['boolean', 2n, { type: 'convert' }],
    ['timestamp', text('2020-01-01T10:00:00+02:00'), '2020-01-01 08:00:00'],
    ['timestamp', 0n, '1970-01-01 00:00:00'],
    ['timestamp', text('soon'), { type: 'convert' }],
    ['date', text('2020-02-29'), '2020-02-29'],
    ['jsonb', text('{"b":1,"a":"x\\ty"}'), '{"a": "x\\\\ty", "b": 1}'],
  ])('%s %o -> %o', (kind, value, expected) => {
    const result = encode(kind, value);
    if (typeof expected === 'object') expect(result).toMatchObject(expected as object);
    else expect(result).toBe(expected);
  });

  it('fits numeric(p,s) and refuses rounding', () => {
    const writer = new CopyTextWriter();
    expect(encodeValue(writer, numericType(10, 2), 0.99)).toBeUndefined();
    expect(encodeValue(writer, numericType(10, 2), 1.005)).toMatchObject({ type: 'convert' });
    expect(writer.take().toString()).toBe('0.99');
  });

  it('writes rows with tabs, \\N for NULL and a newline, growing past the chunk size', () => {
    const writer = new CopyTextWriter(4);
    const columns = [
      { source: 'id', target: 'id', type: targetType('bigint') },
      { source: 'note', target: 'note', type: targetType('text') },
      { source: 'blob', target: 'blob', type: targetType('bytea') },
    ];
    expect(encodeRow(writer, [7n, 1n, null, text('x')], 1, columns, false, () => undefined)).toBeUndefined();
    expect(writer.take().toString()).toBe('1\t\\N\t\\\\x78\n');
  });

  it('replaces NUL and invalid UTF-8 under --invalid-text replace, and says which column', () => {
    const writer = new CopyTextWriter();
    const replaced: number[] = [];
    const columns = [{ source: 'name', target: 'name', type: targetType('text') }];
    expect(encodeRow(writer, [Buffer.from([0x61, 0, 0x62])], 0, columns, true, (i) => replaced.push(i))).toBeUndefined();
    expect(writer.take().toString()).toBe('a\uFFFDb\n');
    expect(replaced).toEqual([0]);
    expect(replaceInvalidText(Buffer.from([0x66, 0x96])).toString()).toBe('f\uFFFD');
  });
});
