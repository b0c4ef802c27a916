import { DbopsError } from './dbops-error.ts';
import { ExitCode } from './exit-codes.ts';
import { lastLines } from './last-lines.ts';

/** A service did not become ready in time. Carries what the last probe and the logs said. */
export class ReadinessTimeoutError extends DbopsError {
  readonly service: string;
  readonly waitedMs: number;
  readonly lastOutput: string;

  constructor(service: string, waitedMs: number, lastOutput: string, state: string, logs: string, fix: string) {
    const probe = lastLines(lastOutput, 4);
    const tail = lastLines(logs, 12);
    super(
      `The ${service} service was not ready after ${Math.round(waitedMs / 1000)} s (container ${state}).` +
        (probe ? ` The last readiness check said:\n${probe}\n` : ' ') +
        (tail ? `Its last log lines were:\n${tail}\n` : '') +
        fix,
      { exitCode: ExitCode.readiness },
    );
    this.service = service;
    this.waitedMs = waitedMs;
    this.lastOutput = lastOutput;
  }
}
