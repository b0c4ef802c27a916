/**
 * `npm run build` (npm ci runs it through `prepare`): compiles src/ into dist/ with tsc, one
 * JavaScript module per source file in the same layout, so the URLs modules build to their
 * siblings (worker scripts, ../../package.json, the extension's C source) hold in both trees.
 * dist/ is emptied first: a module removed from src/ must not linger there.
 *
 *   npx tsx scripts/build.ts
 */
import { rmSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { $ } from 'zx';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
rmSync(path.join(root, 'dist'), { recursive: true, force: true });
const built = await $({ cwd: root, stdio: 'inherit', nothrow: true, verbose: false })`npx tsc -p tsconfig.build.json`;
process.exitCode = built.exitCode ?? 1;
