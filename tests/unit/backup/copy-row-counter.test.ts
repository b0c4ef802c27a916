import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { describe, expect, it } from 'vitest';
import { CopyRowCounter, parseCopyStatement } from '../../../src/backup/copy-row-counter.ts';

const script = [
  '--',
  '-- PostgreSQL database dump',
  'CREATE TABLE public.sessions (id text);',
  'COPY public.sessions (id, title) FROM stdin;',
  's-1\t상담 1',
  's-2\tline\\nbreak',
  's-3\t\\\\.',
  '\\.',
  '',
  'COPY "My Schema"."odd ""n""" (a, "B c") FROM stdin;',
  '1\tx',
  '\\.',
  'COPY public.nocols  FROM stdin;',
  '',
  '',
  '\\.',
  'COPY public.empty (id) FROM stdin;',
  '\\.',
  'CREATE INDEX x ON public.sessions (id);',
  '',
].join('\n');

async function count(text: string, chunkSize: number) {
  const bytes = Buffer.from(text);
  const chunks = Array.from({ length: Math.ceil(bytes.length / chunkSize) }, (_, index) => bytes.subarray(index * chunkSize, (index + 1) * chunkSize));
  const counter = new CopyRowCounter();
  await pipeline(Readable.from(chunks), counter);
  return counter.result();
}

describe('CopyRowCounter', () => {
  it.each([1, 2, 3, 7, 64, 100_000])("counts every table's rows whatever the chunk size (%i bytes)", async (size) => {
    expect(await count(script, size)).toEqual({
      tables: [
        { schema: 'public', name: 'sessions', rows: 3 },
        { schema: 'My Schema', name: 'odd "n"', rows: 1 },
        { schema: 'public', name: 'nocols', rows: 2 },
        { schema: 'public', name: 'empty', rows: 0 },
      ],
      unterminated: undefined,
    });
  });

  it('reports a table whose data stops before its end marker (a truncated archive)', async () => {
    const cut = 'COPY public.messages (id) FROM stdin;\n1\n2\n';
    expect(await count(cut, 5)).toEqual({ tables: [], unterminated: 'public.messages' });
  });

  it('counts long rows without keeping them', async () => {
    const long = `COPY public.big (v) FROM stdin;\n${'x'.repeat(5_000_000)}\n${'y'.repeat(10)}\n\\.\n`;
    expect((await count(long, 65_536)).tables).toEqual([{ schema: 'public', name: 'big', rows: 2 }]);
  });
});

describe('parseCopyStatement', () => {
  it.each([
    ['COPY public.t (a, b) FROM stdin;', { schema: 'public', name: 't' }],
    ['COPY "a.b"."c d" (x) FROM stdin;', { schema: 'a.b', name: 'c d' }],
    ['COPY public.t  FROM stdin;', { schema: 'public', name: 't' }],
    ['COPY t (a) FROM stdin;', { schema: '', name: 't' }],
  ])('reads %s', (line, table) => {
    expect(parseCopyStatement(line)).toEqual(table);
  });

  it.each(['COPY public.t (a) TO stdout;', 'SELECT 1;', 'COPY "unterminated (a) FROM stdin;', 'COPYRIGHT x FROM stdin;'])('ignores %s', (line) => {
    expect(parseCopyStatement(line)).toBeUndefined();
  });
});
