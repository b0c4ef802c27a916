import { createInterface } from 'node:readline/promises';
import type { Readable, Writable } from 'node:stream';
import { DbopsError } from '../errors/dbops-error.ts';
import { ExitCode } from '../errors/exit-codes.ts';

export interface ConfirmIo {
  readonly input: Readable & { isTTY?: boolean };
  readonly output: Writable;
}

/**
 * Asks before an action that destroys or replaces production data. `--yes` answers for scripts;
 * without a terminal and without `--yes` the action is refused, never assumed.
 */
export async function confirm(io: ConfirmIo, question: string, assumeYes: boolean): Promise<void> {
  if (assumeYes) return;
  if (!io.input.isTTY) {
    throw new DbopsError(`${question} Refused: no terminal to ask on. Pass --yes to confirm non-interactively.`, { exitCode: ExitCode.refused });
  }
  const prompt = createInterface({ input: io.input, output: io.output });
  try {
    const answer = await prompt.question(`${question} Type "yes" to continue: `);
    if (answer.trim().toLowerCase() !== 'yes') {
      throw new DbopsError('Not confirmed; nothing was changed.', { exitCode: ExitCode.refused });
    }
  } finally {
    prompt.close();
  }
}
