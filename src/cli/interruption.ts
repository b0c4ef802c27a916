import { DbopsError } from '../errors/dbops-error.ts';
import { ExitCode } from '../errors/exit-codes.ts';

/** Ctrl-C, a polite kill, and a terminal that went away (an SSH session that dropped mid-migration). */
const stopSignals = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;

export interface SignalSource {
  on(signal: (typeof stopSignals)[number], listener: (signal: NodeJS.Signals) => void): unknown;
  off(signal: (typeof stopSignals)[number], listener: (signal: NodeJS.Signals) => void): unknown;
}

/**
 * Turns Ctrl-C (or SIGTERM, or SIGHUP) into an orderly stop: the running step finishes, the next
 * one does not start, and the command's own recovery (put the old database back, restart the api
 * on SQLite, remove a partial archive) runs as after any failure. A second signal exits at once.
 */
export class Interruption {
  private received: NodeJS.Signals | undefined;
  private atOnce = false;

  constructor(
    private readonly warn: (line: string) => void,
    private readonly exitNow: (code: number) => void,
  ) {}

  get signal(): NodeJS.Signals | undefined {
    return this.received;
  }

  /** Listens on `source` until the returned function is called. */
  install(source: SignalSource): () => void {
    const listener = (signal: NodeJS.Signals) => {
      if (this.atOnce) {
        this.warn(`dbops: ${signal} received: exiting; this command changes nothing, so there is nothing to undo.`);
        this.exitNow(ExitCode.interrupted);
        return;
      }
      if (this.received) {
        this.warn(`dbops: second ${signal}: exiting now, without finishing or undoing the current step.`);
        this.exitNow(ExitCode.interrupted);
        return;
      }
      this.received = signal;
      this.warn(`dbops: ${signal} received: finishing the current step, then undoing what this run changed. Press Ctrl-C again to exit at once (unsafe).`);
    };
    for (const signal of stopSignals) source.on(signal, listener);
    return () => {
      for (const signal of stopSignals) source.off(signal, listener);
    };
  }

  /**
   * For commands that only read: until the returned function is called, the first signal exits at
   * once, since there is no step worth finishing and nothing to undo.
   */
  exitAtOnce(): () => void {
    this.atOnce = true;
    return () => {
      this.atOnce = false;
    };
  }

  /** Throws before a step starts when a signal arrived. */
  throwIfInterrupted(step: string): void {
    if (this.received) {
      throw new DbopsError(`Interrupted by ${this.received} before the step "${step}".`, { exitCode: ExitCode.interrupted });
    }
  }
}
