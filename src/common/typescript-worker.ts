import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';

const bundles = new Map<string, string>();

/**
 * In the bundled CLI (bin/source-bundle.js), each worker script's own prebuilt module, by the
 * file URL of its source; not defined when the sources run through tsx or vitest.
 */
declare const DBOPS_WORKER_BUNDLES: Readonly<Record<string, string>> | undefined;

/**
 * A worker thread running one of our TypeScript modules, from the sources as they are. The bundled
 * CLI starts it from the module bundled beside the CLI. Otherwise the module and what it imports
 * are bundled into one CommonJS script in memory first (esbuild: about 0.1 s for the first, 20 ms
 * for the next), so the thread starts without a TypeScript loader: tsx in a worker runs its loader
 * on a thread of its own and answers every import with a round trip between them, which cost each
 * worker 0.3 to 0.5 CPU-seconds just as a transfer starts. Packages stay outside the bundle and
 * are required from here. Throws when no thread can start.
 */
export function startTypeScriptWorker(script: URL, workerData?: unknown): Worker {
  const prebuilt = typeof DBOPS_WORKER_BUNDLES === 'undefined' ? undefined : DBOPS_WORKER_BUNDLES[script.href];
  if (prebuilt) return new Worker(new URL(prebuilt), { workerData });
  return new Worker(bundle(fileURLToPath(script)), { eval: true, workerData });
}

function bundle(entry: string): string {
  let code = bundles.get(entry);
  if (code === undefined) {
    // Loaded here only: the bundled CLI never needs it.
    const { buildSync } = createRequire(import.meta.url)('esbuild') as typeof import('esbuild');
    const result = buildSync({ entryPoints: [entry], bundle: true, packages: 'external', platform: 'node', format: 'cjs', target: 'node20', write: false, logLevel: 'silent' });
    const text = result.outputFiles[0]?.text ?? '';
    // An evaluated worker's require resolves from the working directory: give it this file's.
    code = `(function (require) {\n${text}\n})(require('node:module').createRequire(${JSON.stringify(fileURLToPath(import.meta.url))}));`;
    bundles.set(entry, code);
  }
  return code;
}
