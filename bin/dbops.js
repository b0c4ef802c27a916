#!/usr/bin/env node
// Runs the TypeScript sources directly (tsx), so what is tested is exactly what runs.
import { register } from 'tsx/esm/api';

// A closed pipe (dbops config | head) is the reader's choice, not an error.
process.stdout.on('error', (error) => {
  if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  throw error;
});
register();
const { main } = await import('../src/cli.ts');
process.exitCode = await main(process.argv, process.env);
