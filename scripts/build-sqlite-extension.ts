/**
 * `npm run build-extension` (npm also runs it after installing): compiles src/sqlite/copy-rows.c (with copy-rows-jsonb.c),
 * the SQLite extension that builds COPY text for transfers. Without it (no C compiler here) dbops
 * still works, encoding with SQL expressions at about twice the CPU time: this warns and exits 0,
 * so an install never fails for a speed-up (the test suite fails instead: it needs the extension).
 *
 *   npx tsx scripts/build-sqlite-extension.ts
 */
import { buildCopyRowsExtension } from '../src/sqlite/copy-rows-extension.ts';

try {
  console.log(`dbops: SQLite encoding extension ready: ${await buildCopyRowsExtension()}`);
} catch (error) {
  console.warn(`dbops: warning: ${error instanceof Error ? error.message : String(error)}. Transfers will encode rows with SQL expressions instead (slower).`);
}
