import type { Config } from '../config/config.ts';
import type { StackControl } from '../stack/stack-control.ts';
import type { DataMover } from '../migrate/data-mover.ts';
import type { ConnectPostgres } from '../postgres/postgres-connection.ts';
import type { TaskRunOptions } from './run-tasks.ts';
import type { ConfirmIo } from './confirm.ts';

/** What every command gets from the composition root (src/cli.ts): real clients, built once. */
export interface CliContext {
  /** The process environment: handed to config loading and nowhere else. */
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly projectDir: () => string;
  /** Loads and validates `.env.<environment>` plus overrides. */
  readonly config: (environment: string) => Promise<Config>;
  /** Checks the engine and compose, and returns the environment's stack. */
  readonly stack: (config: Config, options?: { readonly readyTimeoutMs?: number }) => Promise<StackControl>;
  readonly connectPostgres: ConnectPostgres;
  /** The transfer engine, as the migrate pipeline uses it. */
  readonly mover: DataMover;
  /** Takes a verified backup of the stack's database and returns the archive's path. */
  readonly safetyBackup: (stack: StackControl) => Promise<string>;
  readonly tasks: TaskRunOptions;
  readonly confirmIo: ConfirmIo;
  /** Writes one line of the command's result to stdout. */
  readonly out: (line: string) => void;
  /** Writes a warning line to stderr. */
  readonly warn: (line: string) => void;
}
