import { describe, expect, it } from 'vitest';
import { formatBytes } from '../../../src/common/format-bytes.ts';
import { seconds } from '../../../src/common/seconds.ts';

describe('formatBytes', () => {
  it.each([
    [0, '0 B'],
    [1023, '1023 B'],
    [1024, '1.0 KiB'],
    [1536, '1.5 KiB'],
    [94 * 1024 * 1024, '94.0 MiB'],
    [443.74 * 1024 * 1024, '443.7 MiB'],
    [2.5 * 1024 ** 3, '2.50 GiB'],
    [1024 ** 4, '1.00 TiB'],
  ])('%d bytes: %s', (bytes, text) => {
    expect(formatBytes(bytes)).toBe(text);
  });
});

describe('seconds', () => {
  it.each([
    [0, '0.0 s'],
    [1549, '1.5 s'],
    [61_000, '61.0 s'],
  ])('%d ms: %s', (ms, text) => {
    expect(seconds(ms)).toBe(text);
  });
});
