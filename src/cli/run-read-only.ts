import type { Interruption } from './interruption.ts';
import { isReadOnly, type CommandName } from './stack-locks.ts';

/**
 * The read-only variant of run-command, for commands that only look (backups, config; status and
 * doctor next): no lock, no record, no confirmation, nothing to recover, and Ctrl-C exits at once.
 * The lock rule stays the one place that says a command is read-only: a command that changes a
 * stack is refused here.
 */
export async function runReadOnly(name: CommandName, interruption: Interruption | undefined, body: () => Promise<void>): Promise<void> {
  if (!isReadOnly(name)) throw new Error(`${name} changes a stack: run it through runCommand`);
  const restore = interruption?.exitAtOnce();
  try {
    await body();
  } finally {
    restore?.();
  }
}
