import { isReadOnly, type CommandName } from './stack-locks.ts';

/**
 * The read-only variant, for commands that only look (backups, config; status and doctor next):
 * no lock, no record, no confirmation, nothing to recover. It exists so every command reads the
 * same way and the lock rule stays the one place that says a command is read-only.
 */
export async function runReadOnly(name: CommandName, body: () => Promise<void>): Promise<void> {
  if (!isReadOnly(name)) throw new Error(`${name} changes a stack: run it through runCommand`);
  await body();
}
