import { existsSync } from 'node:fs';
import path from 'node:path';
import { InvalidArgumentError, type Command } from 'commander';
import type { CliContext } from './cli-context.ts';

/** `sample`: write a realistic application database to migrate. */
export function registerSampleCommand(program: Command, cli: CliContext): void {
  program
    .command('sample')
    .description('generate a realistic application SQLite database (sessions and Korean messages)')
    .option('--out <path>', 'file to write', 'data/api_sessions.db')
    .option('--sessions <n>', 'number of sessions (at least 1; refused when the file would not fit on the disk)', toPositiveInteger, 1000)
    .option('--messages-per-session <n>', 'average messages per session (total is exact)', toPositiveInteger, 10)
    .option('--seed <n>', 'seed: the same seed gives the same database', toInteger, 42)
    .option('--force', 'replace the file if it exists', false)
    .option('--if-missing', 'keep an existing file and only report it', false)
    .action(async (options: { out: string; sessions: number; messagesPerSession: number; seed: number; force: boolean; ifMissing: boolean }) => {
      const out = path.resolve(cli.projectDir(), options.out);
      if (options.ifMissing && existsSync(out)) {
        cli.out(`Kept the existing ${out} (remove it, or pass --force instead of --if-missing, to generate a new one).`);
        return;
      }
      const { generateSample } = await import('../sample/generate-sample.ts');
      const summary = await generateSample(
        { out, sessions: options.sessions, messagesPerSession: options.messagesPerSession, seed: options.seed, overwrite: options.force },
        {
          stopRequested: () => cli.tasks.interruption?.signal,
          onProgress: (done, total) => {
            if (total > batchReport && done < total) cli.warn(`sample: ${done} of ${total} sessions written`);
          },
        },
      );
      cli.out(
        `Wrote ${summary.path}: ${summary.sessions} sessions, ${summary.messages} messages, ` +
          `${(summary.bytes / 1024 / 1024).toFixed(1)} MiB in ${(summary.durationMs / 1000).toFixed(1)} s.`,
      );
    });
}

/** Above this many sessions, progress is printed (to stderr) as batches finish. */
const batchReport = 20_000;

export function toPositiveInteger(value: string): number {
  const parsed = toInteger(value);
  if (parsed < 1) throw new InvalidArgumentError(`"${value}" is not a whole number of at least 1.`);
  return parsed;
}

export function toInteger(value: string): number {
  const parsed = Number(value);
  if (!Number.isSafeInteger(parsed))
    throw new InvalidArgumentError(`"${value}" is not a whole number${Number.isInteger(parsed) ? ' dbops can count to' : ''}.`);
  return parsed;
}
