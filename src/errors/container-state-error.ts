import { DbopsError } from './dbops-error.ts';
import { ExitCode } from './exit-codes.ts';

/**
 * A container stopped answering under a command: paused, stopped or gone while dbops waited on
 * it. Names the container and what to do, so a wait never turns into a silent hang.
 */
export class ContainerStateError extends DbopsError {
  constructor(
    readonly containerName: string,
    readonly state: string,
    readonly during: string,
  ) {
    super(ContainerStateError.describe(containerName, state, during), { exitCode: ExitCode.docker });
  }

  /** The sentence for a state; pure, so it is table-tested. */
  static describe(containerName: string, state: string, during: string): string {
    if (state === 'paused') return `The ${containerName} container is paused, so ${during} cannot go on: \`docker unpause ${containerName}\`, then run again.`;
    if (state === 'missing') return `The ${containerName} container was removed while ${during} ran. Start the stack again, then run again.`;
    return `The ${containerName} container is ${state}, so ${during} stopped. Read \`docker logs ${containerName}\`, start it again, then run again.`;
  }
}
