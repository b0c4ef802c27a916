#!/usr/bin/env node
// Runs the TypeScript sources directly (tsx), so what is tested is exactly what runs.
import { register } from 'tsx/esm/api';

// A reader that goes away (dbops transfer ... | head, or the terminal of a dropped SSH session)
// stops the output, never the work: a migration or restore cut off halfway is worse than lines
// nobody reads. The exit code still says how the command went.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (error) => {
    if (error.code !== 'EPIPE' && error.code !== 'EIO') throw error;
  });
}
register();
const { main } = await import('../src/cli.ts');
process.exitCode = await main(process.argv, process.env);
