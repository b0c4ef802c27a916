import { DbopsError } from './dbops-error.ts';
import { ExitCode } from './exit-codes.ts';

/** The Docker engine did not answer, or a needed image or container is not there. */
export class DockerUnavailableError extends DbopsError {
  constructor(message: string, cause?: unknown) {
    super(message, { exitCode: ExitCode.docker, cause });
  }
}
