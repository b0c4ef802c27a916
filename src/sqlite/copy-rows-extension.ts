import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';

/**
 * The SQLite extension in copy-rows.c (with its jsonb writer and the buffer both share), compiled
 * once per machine (npm's postinstall runs scripts/build-sqlite-extension.ts) into
 * node_modules/.cache/dbops, under a name that carries the hash of every file it is built from:
 * an edited file is never served by a stale build.
 */
export const copyRowsSources: readonly string[] = Object.freeze(['copy-rows.c', 'copy-rows-jsonb.c', 'copy-text.h']);
// Through src/ so that the compiled module in dist/sqlite (same depth) finds them too.
const sources = copyRowsSources.map((name) => fileURLToPath(new URL(`../../src/sqlite/${name}`, import.meta.url)));
const compiled = sources.filter((file) => file.endsWith('.c'));
const cacheDirectory = fileURLToPath(new URL('../../node_modules/.cache/dbops/', import.meta.url));

function builtPath(): string {
  const hash = createHash('sha256');
  for (const file of sources)
    hash
      .update(`${path.basename(file)}\0`)
      .update(readFileSync(file))
      .update('\0');
  return path.join(cacheDirectory, `copy-rows-${hash.digest('hex').slice(0, 16)}${process.platform === 'darwin' ? '.dylib' : '.so'}`);
}

/** The compiled extension for the current copy-rows.c, or undefined when it is not built. */
export function copyRowsExtension(): string | undefined {
  const built = builtPath();
  return existsSync(built) ? built : undefined;
}

/** What the transfer report says when the extension is missing. */
export const copyRowsMissing =
  'the SQLite encoding extension (src/sqlite/copy-rows.c) is not built on this machine, so rows were encoded by SQL expressions, ' +
  'about twice the CPU time: run `npm run build-extension` (it needs a C compiler: cc, gcc or clang).';

/**
 * Compiles copy-rows.c and copy-rows-jsonb.c against the SQLite headers better-sqlite3 ships (the SQLite it runs), with
 * the first compiler that works: $CC, cc, gcc, clang. Returns the built file; throws with each
 * compiler's complaint when none could build it.
 */
export async function buildCopyRowsExtension(): Promise<string> {
  const built = builtPath();
  if (existsSync(built)) return built;
  const headers = path.join(path.dirname(createRequire(import.meta.url).resolve('better-sqlite3/package.json')), 'deps', 'sqlite3');
  mkdirSync(cacheDirectory, { recursive: true });
  const partial = `${built}.${process.pid}.partial`;
  const complaints: string[] = [];
  for (const compiler of [process.env.CC, 'cc', 'gcc', 'clang'].filter((c): c is string => Boolean(c))) {
    const result = await execa(compiler, ['-O2', '-fPIC', '-shared', '-I', headers, '-o', partial, ...compiled], { reject: false });
    if (result.exitCode === 0) {
      // Whole or not at all: a second install building at the same time renames over the same bytes.
      renameSync(partial, built);
      return built;
    }
    // No exit code: the compiler did not start (not installed).
    complaints.push(`${compiler}: ${result.exitCode === undefined ? 'not found' : (result.stderr || 'failed').trim().split('\n').slice(-3).join(' ')}`);
  }
  rmSync(partial, { force: true });
  throw new Error(`could not compile ${compiled.join(' and ')}: ${complaints.join('; ')}`);
}
