import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { buildSync } from 'esbuild';

const bundles = new Map<string, string>();

/**
 * A worker thread running one of our TypeScript modules, from the sources as they are (no build
 * step, as bin/dbops.js runs the rest). The module and what it imports are bundled into one
 * CommonJS script in memory first (esbuild: about 0.1 s for the first, 20 ms for the next), so the
 * thread starts without a TypeScript loader: tsx in a worker runs its loader on a thread of its own
 * and answers every import with a round trip between them, which cost each worker 0.3 to 0.5
 * CPU-seconds just as a transfer starts. Packages stay outside the bundle and are required from
 * here. Throws when no thread can start.
 */
export function startTypeScriptWorker(script: URL, workerData?: unknown): Worker {
  return new Worker(bundle(fileURLToPath(script)), { eval: true, workerData });
}

function bundle(entry: string): string {
  let code = bundles.get(entry);
  if (code === undefined) {
    const result = buildSync({ entryPoints: [entry], bundle: true, packages: 'external', platform: 'node', format: 'cjs', target: 'node20', write: false, logLevel: 'silent' });
    const text = result.outputFiles[0]?.text ?? '';
    // An evaluated worker's require resolves from the working directory: give it this file's.
    code = `(function (require) {\n${text}\n})(require('node:module').createRequire(${JSON.stringify(fileURLToPath(import.meta.url))}));`;
    bundles.set(entry, code);
  }
  return code;
}
