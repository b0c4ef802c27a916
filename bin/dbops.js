#!/usr/bin/env node
// Starts the CLI compiled into dist/ by `npm run build` (npm ci runs it).
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

// A reader that goes away (dbops transfer ... | head, or the terminal of a dropped SSH session)
// stops the output, never the work: a migration or restore cut off halfway is worse than lines
// nobody reads. The exit code still says how the command went.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (error) => {
    if (error.code !== 'EPIPE' && error.code !== 'EIO') throw error;
  });
}

const cli = new URL('../dist/cli.js', import.meta.url);
if (existsSync(cli)) {
  const { main } = await import(cli.href);
  process.exitCode = await main(process.argv, process.env);
} else {
  const root = fileURLToPath(new URL('..', import.meta.url));
  process.stderr.write(`dbops: ${fileURLToPath(cli)} is missing: dbops is not built. Run \`npm ci\` (or \`npm run build\`) in ${root}.\n`);
  process.exitCode = 1;
}
