import { describe, expect, it } from 'vitest';
import { archiveVersion, newestReadableArchive, parseArchiveHeader } from '../../../src/backup/archive-header.ts';

/** Writes the archive's integer and string encodings (pg_backup_archiver.c WriteInt, WriteStr). */
class ArchiveWriter {
  private readonly parts: Buffer[] = [];
  byte(value: number): this {
    this.parts.push(Buffer.from([value]));
    return this;
  }
  int(value: number): this {
    const body = Buffer.alloc(4);
    body.writeUInt32LE(Math.abs(value));
    this.parts.push(Buffer.from([value < 0 ? 1 : 0]), body);
    return this;
  }
  str(value: string | null): this {
    if (value === null) return this.int(-1);
    const bytes = Buffer.from(value);
    this.int(bytes.length);
    this.parts.push(bytes);
    return this;
  }
  raw(bytes: Buffer): this {
    this.parts.push(bytes);
    return this;
  }
  done(): Buffer {
    return Buffer.concat(this.parts);
  }
}

interface Entry {
  desc: string;
  namespace: string | null;
  tag: string;
}

function archive(options: { minor?: number; format?: number; database?: string; entries?: Entry[] } = {}): Buffer {
  const minor = options.minor ?? 14;
  const w = new ArchiveWriter()
    .raw(Buffer.from('PGDMP'))
    .byte(1)
    .byte(minor)
    .byte(0)
    .byte(4)
    .byte(8)
    .byte(options.format ?? 1);
  if (minor >= 15) w.byte(1);
  else w.int(-1);
  for (const value of [1, 2, 3, 26, 10, 126, 0]) w.int(value);
  w.str(options.database ?? 'lawfirm')
    .str('15.18')
    .str('15.18');
  const entries = options.entries ?? [];
  w.int(entries.length);
  entries.forEach((entry, index) => {
    w.int(index + 1)
      .int(1)
      .str('1259')
      .str(String(16000 + index))
      .str(entry.tag)
      .str(entry.desc)
      .int(2);
    w.str('').str('').str('').str(entry.namespace).str('');
    if (minor >= 14) w.str('heap');
    if (minor >= 16) w.int(114);
    w.str('lawfirm').str('false').str('7').str(null);
    w.byte(1).raw(Buffer.alloc(8));
  });
  return w.done();
}

const tables: Entry[] = [
  { desc: 'TABLE', namespace: 'public', tag: 'sessions' },
  { desc: 'TABLE DATA', namespace: 'public', tag: 'sessions' },
  { desc: 'TABLE DATA', namespace: 'My Schema', tag: 'odd "name"' },
];

describe('parseArchiveHeader', () => {
  it.each([14, 15, 16])('reads format 1.%i: database, versions and the tables that have data', (minor) => {
    const parsed = parseArchiveHeader(archive({ minor, entries: tables }), true);
    expect(parsed).toMatchObject({
      ok: true,
      header: {
        version: `1.${minor}`,
        versionNumber: archiveVersion(1, minor),
        compression: 'gzip',
        database: 'lawfirm',
        serverVersion: '15.18',
        tocEntries: 3,
        dataTables: [
          { schema: 'public', name: 'sessions' },
          { schema: 'My Schema', name: 'odd "name"' },
        ],
      },
    });
  });

  it('asks for more bytes when the table of contents continues past them', () => {
    const bytes = archive({ entries: tables });
    expect(parseArchiveHeader(bytes.subarray(0, 60), false)).toMatchObject({ ok: false, needMore: true });
    expect(parseArchiveHeader(bytes.subarray(0, 60), true)).toEqual({
      ok: false,
      problem: 'it ends inside its header or table of contents (truncated)',
      needMore: false,
    });
  });

  it.each([
    ['a text file', Buffer.from('hello, these are notes\n'), /does not start with the PGDMP signature/],
    ['a plain SQL dump', Buffer.from('--\n-- PostgreSQL database dump\n--\nSET statement_timeout = 0;\n'), /plain SQL dump/],
    ['a tar-format dump', Buffer.concat([Buffer.from('toc.dat'), Buffer.alloc(600)]), /tar-format dump/],
    ['an empty file', Buffer.alloc(0), /only 0 bytes long/],
    ['a directory-format toc', archive({ format: 5 }), /in directory format, not custom/],
  ])('rejects %s', (_name, bytes, problem) => {
    const parsed = parseArchiveHeader(bytes, true);
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.problem).toMatch(problem);
  });

  it('rejects a damaged integer size instead of reading garbage', () => {
    const bytes = archive();
    bytes[8] = 200;
    expect(parseArchiveHeader(bytes, true)).toMatchObject({ ok: false, problem: expect.stringMatching(/header is damaged/) });
  });
});

describe('newestReadableArchive', () => {
  it.each([
    [15, archiveVersion(1, 14, 255)],
    [16, archiveVersion(1, 15, 255)],
    [17, archiveVersion(1, 16, 255)],
    [99, undefined],
  ])('PostgreSQL %i reads up to %s', (major, newest) => {
    expect(newestReadableArchive(major)).toBe(newest);
  });

  it('a PostgreSQL 16 archive is too new for a 15 server', () => {
    expect(archiveVersion(1, 15) > newestReadableArchive(15)!).toBe(true);
  });
});
