import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type * as Esbuild from 'esbuild';

/** True when this module runs compiled (dist/, as bin/dbops.js starts it); false under tsx or vitest. */
const compiled = !import.meta.url.endsWith('.ts');
const bundles = new Map<string, string>();

/**
 * A worker thread running one of our modules, named by the URL of its TypeScript source next to
 * the caller (`new URL('./x-worker.ts', import.meta.url)`). Compiled, that URL points into dist/,
 * where the worker is the `.js` file tsc wrote beside it. From the sources (tests, scripts run
 * by tsx) a thread has no TypeScript loader, so the module and what it imports are bundled into
 * one CommonJS script in memory first by esbuild, a development dependency that only the sources
 * need. Packages stay outside the bundle and are required from here. Throws when no thread can start.
 */
export function startTypeScriptWorker(script: URL, workerData?: unknown): Worker {
  if (compiled) return new Worker(new URL(script.href.replace(/\.ts$/, '.js')), { workerData });
  return new Worker(bundle(fileURLToPath(script)), { eval: true, workerData });
}

function bundle(entry: string): string {
  let code = bundles.get(entry);
  if (code === undefined) {
    const { buildSync } = createRequire(import.meta.url)('esbuild') as typeof Esbuild;
    const result = buildSync({
      entryPoints: [entry],
      bundle: true,
      packages: 'external',
      platform: 'node',
      format: 'cjs',
      target: 'node20',
      write: false,
      logLevel: 'silent',
    });
    const text = result.outputFiles[0]?.text ?? '';
    // An evaluated worker's require resolves from the working directory: give it this file's.
    code = `(function (require) {\n${text}\n})(require('node:module').createRequire(${JSON.stringify(fileURLToPath(import.meta.url))}));`;
    bundles.set(entry, code);
  }
  return code;
}
