#!/usr/bin/env node
// Runs the TypeScript sources as they are: bundled by esbuild when they change (see
// source-bundle.js), or through tsx where the bundle cannot be written.
import { cliBundle } from './source-bundle.js';

// A reader that goes away (dbops transfer ... | head, or the terminal of a dropped SSH session)
// stops the output, never the work: a migration or restore cut off halfway is worse than lines
// nobody reads. The exit code still says how the command went.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (error) => {
    if (error.code !== 'EPIPE' && error.code !== 'EIO') throw error;
  });
}

let cli;
try {
  cli = await cliBundle();
} catch {
  const { register } = await import('tsx/esm/api');
  register();
  cli = '../src/cli.ts';
}
const { main } = await import(cli);
process.exitCode = await main(process.argv, process.env);
