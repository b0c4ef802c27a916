import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../support/run-cli.ts';

/** The rooms of src/, lowest first (docs/ARCHITECTURE.md). An import may go to the same room or a lower one. */
const rooms: readonly (readonly string[])[] = [
  ['common', 'errors'],
  ['process', 'docker', 'postgres', 'sqlite'],
  ['config'],
  ['transfer', 'sample'],
  ['stack'],
  ['backup', 'migrate'],
  ['tasks'],
  ['cli', 'cli.ts'],
];

const maxLines = 400;

const srcDir = path.join(repoRoot, 'src');

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    return entry.isDirectory() ? filesUnder(full) : [full];
  });
}

/** The room of a file in src/, by its first path segment; undefined for a file in no room. */
function roomOf(file: string): number | undefined {
  const top = path.relative(srcDir, file).split(path.sep)[0] ?? '';
  const index = rooms.findIndex((names) => names.includes(top));
  return index < 0 ? undefined : index + 1;
}

/** Every relative module a source text imports: static, re-exported, dynamic, and worker URLs. */
function importedSpecifiers(text: string): string[] {
  const patterns = [
    /\bfrom\s+['"](\.[^'"]+)['"]/g,
    /\bimport\s*\(\s*['"](\.[^'"]+)['"]\s*\)/g,
    /\bimport\s+['"](\.[^'"]+)['"]/g,
    /new URL\(\s*['"](\.[^'"]+)['"]/g,
  ];
  return patterns.flatMap((pattern) => [...text.matchAll(pattern)].map((match) => match[1]!));
}

/** Lines as `wc -l` counts them, plus a last line without its newline. */
function lineCount(text: string): number {
  return text.split('\n').length - (text.endsWith('\n') ? 1 : 0);
}

const sources = filesUnder(srcDir);
const code = sources.filter((file) => /\.(ts|js|mjs)$/.test(file));
const relative = (file: string) => path.relative(repoRoot, file).split(path.sep).join('/');

describe('architecture', () => {
  it('knows how to read imports and rooms (so the checks below can fail)', () => {
    expect(
      importedSpecifiers(
        "import type { A } from '../stack/a.ts';\nexport { b } from './b.ts';\nawait import('../cli/c.ts');\nnew URL('./w.ts', import.meta.url)",
      ),
    ).toEqual(['../stack/a.ts', './b.ts', '../cli/c.ts', './w.ts']);
    expect(roomOf(path.join(srcDir, 'docker', 'x.ts'))).toBe(2);
    expect(roomOf(path.join(srcDir, 'cli.ts'))).toBe(8);
    expect(roomOf(path.join(srcDir, 'api', 'x.ts'))).toBeUndefined();
  });

  it('every file in src/ is in a room', () => {
    expect(sources.filter((file) => roomOf(file) === undefined).map(relative)).toEqual([]);
  });

  it('no import goes from a lower room to a higher one', () => {
    const upward: string[] = [];
    for (const file of code) {
      const from = roomOf(file)!;
      for (const specifier of importedSpecifiers(readFileSync(file, 'utf8'))) {
        const target = path.resolve(path.dirname(file), specifier);
        if (!target.startsWith(srcDir + path.sep)) continue;
        const to = roomOf(target);
        if (to === undefined || to > from) upward.push(`${relative(file)} (room ${from}) imports ${relative(target)} (room ${to ?? 'none'})`);
      }
    }
    expect(upward).toEqual([]);
  });

  it(`every file in src/ is under ${maxLines} lines`, () => {
    const long = sources.map((file) => ({ file: relative(file), lines: lineCount(readFileSync(file, 'utf8')) })).filter(({ lines }) => lines >= maxLines);
    expect(long).toEqual([]);
  });
});
