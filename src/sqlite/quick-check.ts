import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';

/**
 * `PRAGMA quick_check` of a file in a worker thread, so the check (a read of every page) runs on
 * the second core while the main thread reads the schema and the statistics. Resolves with the
 * problems (['ok'] when sound), or undefined when no worker could run it: the caller then checks on
 * its own connection. The worker loads the TypeScript sources through tsx, as bin/dbops.js does.
 */
export function quickCheckInWorker(path: string): Promise<string[] | undefined> {
  return new Promise((resolve) => {
    let worker: Worker;
    try {
      // The ESM entry: tsx's CommonJS one cannot register hooks from inside a worker.
      const tsx = pathToFileURL(createRequire(import.meta.url).resolve('tsx/esm/api').replace(/\.cjs$/, '.mjs')).href;
      const script = new URL('./quick-check-worker.ts', import.meta.url).href;
      worker = new Worker(`import(${JSON.stringify(tsx)}).then((m) => { m.register(); return import(${JSON.stringify(script)}); })`, { eval: true, workerData: { path } });
    } catch {
      resolve(undefined);
      return;
    }
    worker.once('message', (message: { problems?: string[]; error?: string }) => {
      resolve(message.problems);
      void worker.terminate();
    });
    worker.once('error', () => resolve(undefined));
    worker.once('exit', () => resolve(undefined));
  });
}
