import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { PassThrough, type Writable } from 'node:stream';
import { finished, pipeline } from 'node:stream/promises';
import { lastLines } from '../errors/last-lines.ts';
import { parseArchiveHeader, type ArchiveHeader } from './archive-header.ts';
import type { ContainerPostgres } from './container-postgres.ts';
import { CopyRowCounter } from './copy-row-counter.ts';
import { DigestingStream } from './digesting-stream.ts';
import { displayName } from './sql-identifier.ts';
import { sortTables, type TableRows } from './table-row-counts.ts';

export type HeaderRead = { readonly ok: true; readonly header: ArchiveHeader } | { readonly ok: false; readonly problem: string };

/** Reads as much of the file as its header and table of contents need (usually a few KiB). */
export async function readArchiveHeader(file: string): Promise<HeaderRead> {
  const handle = await open(file, 'r');
  try {
    const size = (await handle.stat()).size;
    for (let want = 64 * 1024; ; want *= 4) {
      const length = Math.min(want, size);
      const buffer = Buffer.alloc(length);
      const { bytesRead } = await handle.read(buffer, 0, length, 0);
      const parsed = parseArchiveHeader(buffer.subarray(0, bytesRead), bytesRead >= size);
      if (parsed.ok) return parsed;
      if (!parsed.needMore || bytesRead >= size) return { ok: false, problem: parsed.problem };
    }
  } finally {
    await handle.close();
  }
}

export interface FullRead {
  /** Rows per table, counted in the archive's own data. */
  readonly tables: readonly TableRows[];
  readonly durationMs: number;
  /** SHA-256 of the bytes read from the file. */
  readonly sha256: string;
  /** Empty when every byte was read and every table's data was complete. */
  readonly problems: readonly string[];
}

/**
 * Proves an archive restorable in the way that matters: pg_restore inside the postgres container
 * reads all of it (every data block decompressed, not only the table of contents that `--list`
 * reads), and every table the table of contents announces has its data, ended properly. The file
 * travels to the container over the exec's stdin; nothing is written to the database.
 */
export async function readArchiveInFull(
  pg: Pick<ContainerPostgres, 'readArchive'>,
  file: string,
  header: ArchiveHeader,
  onProgress: (bytesRead: number, tablesRead: number) => void = () => {},
): Promise<FullRead> {
  const started = Date.now();
  const counter = new CopyRowCounter();
  let bytesRead = 0;
  let tablesRead = 0;
  // Counted and hashed on the way through: a 'data' listener on the file stream itself would start
  // it flowing before the exec reads it, and those bytes would be lost.
  const input = new DigestingStream((bytes) => {
    bytesRead = bytes;
    onProgress(bytesRead, tablesRead);
  });
  const reading = pipeline(createReadStream(file, { highWaterMark: 1024 * 1024 }), input).catch((error: unknown) => error);
  const progress = lineSink((line) => {
    if (/processing data for table/.test(line)) onProgress(bytesRead, (tablesRead += 1));
  });
  const result = await pg.readArchive(input, counter, progress);
  counter.end();
  await finished(counter);
  const readError = await reading;
  const { tables, unterminated } = counter.result();
  const problems: string[] = [];
  if (readError instanceof Error && result.exitCode === 0) problems.push(`the file could not be read: ${readError.message}`);
  if (result.exitCode !== 0) problems.push(`pg_restore exited with code ${result.exitCode}:\n${lastLines(result.stderr, 6)}`);
  if (unterminated) problems.push(`the data of ${unterminated} ends before its end marker (the archive is truncated)`);
  const counted = new Set(tables.map((table) => `${table.schema}\u0000${table.name}`));
  for (const table of header.dataTables) {
    if (!counted.has(`${table.schema}\u0000${table.name}`)) problems.push(`the data of ${displayName(table)} is listed but could not be read`);
  }
  return { tables: sortTables(tables), durationMs: Date.now() - started, sha256: input.digest(), problems };
}

/** A writable that hands complete text lines to `onLine` (pg_dump and pg_restore --verbose progress). */
export function lineSink(onLine: (line: string) => void): Writable {
  let pending = '';
  const sink = new PassThrough();
  sink.setEncoding('utf8');
  sink.on('data', (chunk: string) => {
    const lines = (pending + chunk).split(/\r?\n/);
    pending = lines.pop() ?? '';
    for (const line of lines) if (line.trim()) onLine(line);
  });
  return sink;
}
