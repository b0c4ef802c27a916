import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { copyRowsSources } from '../../../src/sqlite/copy-rows-extension.ts';

const sqliteDir = fileURLToPath(new URL('../../../src/sqlite/', import.meta.url));

describe('the SQLite extension is built from, and its cache named by, every C file', () => {
  it('lists every .c and .h file in src/sqlite, so an edit to any of them rebuilds it', () => {
    const cFiles = readdirSync(sqliteDir).filter((name) => /\.[ch]$/.test(name));
    expect([...copyRowsSources].sort()).toEqual(cFiles.sort());
  });

  it('keeps each C file under 400 lines', () => {
    for (const name of copyRowsSources) expect(readFileSync(path.join(sqliteDir, name), 'utf8').split('\n').length, name).toBeLessThan(400);
  });
});
