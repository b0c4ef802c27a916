import { DbopsError } from './dbops-error.ts';
import { ExitCode } from './exit-codes.ts';
import { lastLines } from './last-lines.ts';

/** An external command (compose, an exec in a container) exited non-zero. */
export class CommandFailedError extends DbopsError {
  readonly command: string;
  readonly commandExitCode: number | null;
  readonly stderr: string;

  constructor(step: string, command: string, exitCode: number | null, stderr: string, fix: string) {
    const detail = lastLines(stderr, 8);
    super(
      `${step} failed: \`${command}\` exited with code ${exitCode ?? 'unknown'}.` +
        (detail ? ` Its last output was:\n${detail}\n` : ' It printed nothing. ') +
        fix,
      { exitCode: ExitCode.command },
    );
    this.command = command;
    this.commandExitCode = exitCode;
    this.stderr = stderr;
  }
}
