import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';

/**
 * A worker thread running one of our TypeScript modules, loaded through tsx as bin/dbops.js loads
 * the rest (no build step). Throws when no thread can start.
 */
export function startTypeScriptWorker(script: URL, workerData?: unknown): Worker {
  // The ESM entry: tsx's CommonJS one cannot register hooks from inside a worker.
  const tsx = pathToFileURL(createRequire(import.meta.url).resolve('tsx/esm/api').replace(/\.cjs$/, '.mjs')).href;
  return new Worker(`import(${JSON.stringify(tsx)}).then((m) => { m.register(); return import(${JSON.stringify(script.href)}); })`, { eval: true, workerData });
}
