import { createHash, randomBytes } from 'node:crypto';
import { closeSync, openSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ArchiveFileSink } from '../../../src/backup/archive-file-sink.ts';
import { tempDir } from '../../support/temp-dir.ts';

const sha256 = (data: Buffer) => createHash('sha256').update(data).digest('hex');

describe('ArchiveFileSink', () => {
  let dir: { path: string; remove: () => void };
  beforeEach(() => (dir = tempDir('dbops-sink-')));
  afterEach(() => dir.remove());

  async function writeThrough(chunks: readonly Buffer[]): Promise<{ sink: ArchiveFileSink; file: string; reported: number[] }> {
    const file = path.join(dir.path, 'archive.partial');
    const fd = openSync(file, 'w');
    const reported: number[] = [];
    const sink = new ArchiveFileSink(fd, (bytes) => reported.push(bytes));
    try {
      await pipeline(Readable.from(chunks), sink);
    } finally {
      closeSync(fd);
    }
    return { sink, file, reported };
  }

  it.each([
    ['nothing at all', []],
    ['one small chunk', [4096]],
    ['chunks the size pg_dump sends, over several blocks', Array.from({ length: 700 }, (_, i) => 4000 + (i % 13) * 517)],
    ['one chunk exactly a block', [1024 * 1024]],
    ['one chunk larger than three blocks', [3 * 1024 * 1024 + 17]],
  ])('writes %s byte for byte, counts it and hashes it', async (_name, sizes) => {
    const chunks = sizes.map((size) => randomBytes(size));
    const all = Buffer.concat(chunks);
    const { sink, file, reported } = await writeThrough(chunks);
    expect(readFileSync(file).equals(all)).toBe(true);
    expect(sink.bytes).toBe(all.length);
    expect(sink.digest()).toBe(sha256(all));
    expect(reported.at(-1) ?? 0).toBe(all.length);
  });

  it('fails the stream when the file cannot be written', async () => {
    const file = path.join(dir.path, 'read-only');
    closeSync(openSync(file, 'w'));
    const fd = openSync(file, 'r');
    try {
      await expect(pipeline(Readable.from([randomBytes(2 * 1024 * 1024)]), new ArchiveFileSink(fd))).rejects.toThrow(/EBADF/);
    } finally {
      closeSync(fd);
    }
  });
});
