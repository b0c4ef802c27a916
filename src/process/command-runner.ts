import type { Writable } from 'node:stream';

export interface RunOptions {
  /** Variables added to the inherited environment: the only way secrets reach a child process. */
  readonly env?: Readonly<Record<string, string>>;
  readonly cwd?: string;
  /** Receives output lines as they arrive, for live task output. */
  readonly onLine?: (line: string) => void;
  readonly stdout?: Writable;
  readonly timeoutMs?: number;
}

export interface RunResult {
  readonly command: string;
  readonly exitCode: number | null;
  readonly stdout: string;
  readonly stderr: string;
  readonly durationMs: number;
}

/** Runs a program without a shell. Never throws on a non-zero exit: callers decide what failure means. */
export interface CommandRunner {
  run(file: string, args: readonly string[], options?: RunOptions): Promise<RunResult>;
}

/**
 * Told of every program just before it starts, as its argument vector (the environment, where
 * secrets travel, is never part of it). `--verbose` echoes these; the composition root injects it.
 */
export type OnCommand = (argv: readonly string[]) => void;
