// The CLI as one ES module bundled from src/ by esbuild, kept in node_modules/.cache/dbops under
// the hash of every source file: edit a file and the next run bundles again (about half a second),
// so what runs is always the sources as they are. Node then loads one file instead of resolving
// and transforming some hundred TypeScript modules through tsx, which took about half a second
// of every start (a transfer's first step came 0.83-1.0 s after node started; now 0.26-0.32 s).
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, renameSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const repository = fileURLToPath(new URL('..', import.meta.url));
const staleAfterMs = 24 * 60 * 60 * 1000;

/**
 * Every file the bundle is made of (and this one, which makes it), in a stable order.
 * @param {string} root
 */
function sources(root) {
  const files = readdirSync(path.join(root, 'src'), { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile() && entry.name.endsWith('.ts'))
    .map((entry) => path.join(entry.parentPath ?? entry.path, entry.name))
    .sort();
  return [fileURLToPath(import.meta.url), path.join(root, 'package.json'), ...files];
}

/**
 * The modules src/ runs in worker threads: those named in `startTypeScriptWorker(new URL(...))`.
 * @param {string} root
 */
function workerScripts(root) {
  const scripts = new Set();
  for (const file of sources(root).filter((f) => f.startsWith(path.join(root, 'src')))) {
    for (const match of readFileSync(file, 'utf8').matchAll(/startTypeScriptWorker\(new URL\('([^']+)', import\.meta\.url\)/g)) {
      scripts.add(fileURLToPath(new URL(match[1], pathToFileURL(file))));
    }
  }
  return [...scripts].sort();
}

/**
 * Each module keeps its own import.meta.url (the URL of its source file), so the URLs it builds
 * to sibling files (worker scripts, copy-rows.c, package.json) point where they do under tsx.
 */
const ownUrl = {
  name: 'own-import-meta-url',
  setup(build) {
    build.onLoad({ filter: /\.ts$/ }, (args) => ({
      contents: readFileSync(args.path, 'utf8').replaceAll('import.meta.url', JSON.stringify(pathToFileURL(args.path).href)),
      loader: 'ts',
    }));
  },
};

/**
 * The file URL of the bundled src/cli.ts, built first when the sources changed. Modules that
 * src/ imports only when a command needs them (dockerode, zod, ...) stay in chunks of their own,
 * loaded as late as before.
 * @param {string} [root] the repository (tests bundle others)
 * @returns {Promise<string>}
 */
export async function cliBundle(root = repository) {
  const cache = path.join(root, 'node_modules', '.cache', 'dbops');
  const hash = createHash('sha256');
  for (const file of sources(root)) hash.update(file).update('\0').update(readFileSync(file)).update('\0');
  const name = `cli-${hash.digest('hex').slice(0, 16)}`;
  const directory = path.join(cache, name);
  if (!existsSync(directory)) {
    const { build } = await import('esbuild');
    const partial = `${directory}.${process.pid}.partial`;
    // Worker scripts are entry points too: src/common/typescript-worker.ts starts them from their bundles.
    const entries = [path.join(root, 'src', 'cli.ts'), ...workerScripts(root)];
    const bundled = (entry) => path.join(directory, path.relative(path.join(root, 'src'), entry).replace(/\.ts$/, '.mjs'));
    const workers = Object.fromEntries(entries.slice(1).map((entry) => [pathToFileURL(entry).href, pathToFileURL(bundled(entry)).href]));
    await build({
      entryPoints: entries,
      outbase: path.join(root, 'src'),
      outdir: partial,
      define: { DBOPS_WORKER_BUNDLES: JSON.stringify(workers) },
      outExtension: { '.js': '.mjs' },
      bundle: true,
      splitting: true,
      packages: 'external',
      platform: 'node',
      format: 'esm',
      target: 'node20',
      logLevel: 'silent',
      plugins: [ownUrl],
    });
    try {
      renameSync(partial, directory);
    } catch (error) {
      // Another run built the same sources at the same time: use its bundle.
      rmSync(partial, { recursive: true, force: true });
      if (!existsSync(directory)) throw error;
    }
    // Bundles of earlier sources go once a day old: a command started before the change (a long
    // migration, say) may still load chunks from its bundle. So do builds that were cut off.
    for (const old of readdirSync(cache).filter((f) => /^cli-[0-9a-f]{16}(\.\d+\.partial)?$/.test(f) && f !== name)) {
      if (Date.now() - statSync(path.join(cache, old)).mtimeMs > staleAfterMs) rmSync(path.join(cache, old), { recursive: true, force: true });
    }
  }
  return pathToFileURL(path.join(directory, 'cli.mjs')).href;
}
