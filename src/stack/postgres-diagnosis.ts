import type { ServerFaultKind } from '../postgres/server-fault.ts';

/** What the engine and the server said about the postgres container after a step failed. */
export interface PostgresEvidence {
  readonly containerName: string;
  /** Docker's state: running, paused, restarting, exited, dead; 'missing' when the container is gone. */
  readonly state: string;
  readonly exitCode?: number;
  readonly oomKilled?: boolean;
  /** Restarts since the step began (the engine's RestartCount now minus before). */
  readonly restartsDuringStep?: number;
  /** The container's memory limit in bytes (0 or undefined: none). */
  readonly memoryLimitBytes?: number;
  /** Free bytes on the data volume, when it could be measured. */
  readonly volumeFreeBytes?: number;
  readonly lastLogLines: readonly string[];
  /** The server fault the failed statement reported, if any (see server-fault.ts). */
  readonly fault?: ServerFaultKind;
}

export interface Diagnosis {
  /** A short name for reports and tests. */
  readonly cause: 'disk full' | 'out of memory' | 'paused' | 'killed' | 'stopped' | 'crashed' | 'restarted' | 'removed' | 'terminated' | 'unknown';
  /** One sentence from the evidence. */
  readonly finding: string;
  /** What to do about it. */
  readonly fix: string;
}

const mib = (bytes: number) => `${Math.round(bytes / 2 ** 20)} MiB`;
/** Below this, a volume counts as full: PostgreSQL needs room for a WAL segment to go on. */
const nearlyFullBytes = 32 * 2 ** 20;
const diskFullWords = /No space left on device|could not extend file|could not write to file .*: No space/i;

/**
 * Why PostgreSQL failed under a step, from evidence rather than from the client's error alone.
 * Rows are checked in order: the most specific evidence first.
 */
export function diagnosePostgres(evidence: PostgresEvidence): Diagnosis {
  const name = evidence.containerName;
  const logs = evidence.lastLogLines.join('\n');
  const lowOnSpace = evidence.volumeFreeBytes !== undefined && evidence.volumeFreeBytes < nearlyFullBytes;
  if (evidence.fault === 'disk full' || diskFullWords.test(logs) || lowOnSpace) {
    const free = evidence.volumeFreeBytes === undefined ? '' : ` (${mib(evidence.volumeFreeBytes)} free)`;
    return { cause: 'disk full', finding: `PostgreSQL's data volume in ${name} is full${free}`, fix: 'Free space on the volume or grow it, then run again.' };
  }
  if (evidence.oomKilled || evidence.fault === 'out of memory') {
    const limit = evidence.memoryLimitBytes ? ` (memory limit ${mib(evidence.memoryLimitBytes)})` : '';
    return {
      cause: 'out of memory',
      finding: `${name} ran out of memory${evidence.oomKilled ? ' and was killed by the kernel' : ''}${limit}`,
      fix: 'Raise the container memory limit (mem_limit / deploy.resources.limits.memory) or lower shared_buffers and work_mem (`dbops tune`), then run again.',
    };
  }
  switch (evidence.state) {
    case 'missing':
      return {
        cause: 'removed',
        finding: `the postgres container ${name} no longer exists`,
        fix: 'Something removed it (docker rm, compose down): start the stack again and run again.',
      };
    case 'paused':
      return { cause: 'paused', finding: `${name} is paused`, fix: `Unpause it (\`docker unpause ${name}\`), then run again.` };
    case 'exited':
    case 'dead':
      if (evidence.exitCode === 137) {
        return {
          cause: 'killed',
          finding: `${name} was killed (SIGKILL, exit code 137) from outside dbops`,
          fix: 'Find who stopped it (`docker events`, the host kernel log), start it again, then run again.',
        };
      }
      if (evidence.exitCode === 0 || evidence.exitCode === 143) {
        return {
          cause: 'stopped',
          finding: `${name} was stopped (exit code ${evidence.exitCode})`,
          fix: 'Something stopped the stack during the step (docker stop, compose down): start it again, then run again.',
        };
      }
      return {
        cause: 'crashed',
        finding: `${name} exited with code ${evidence.exitCode ?? '?'}${lastLine(evidence)}`,
        fix: `Read \`docker logs ${name}\`, fix what it reports, then run again.`,
      };
  }
  if ((evidence.restartsDuringStep ?? 0) > 0 || evidence.state === 'restarting' || evidence.fault === 'crash restart') {
    return {
      cause: 'restarted',
      finding: `${name} restarted during the step${lastLine(evidence)}`,
      fix: `Read \`docker logs ${name}\` for the crash, then run again.`,
    };
  }
  if (evidence.fault === 'terminated') {
    return {
      cause: 'terminated',
      finding: `dbops' session in ${name} was ended by an administrator command`,
      fix: 'Someone ran pg_terminate_backend or shut the server down: find out who, then run again.',
    };
  }
  return { cause: 'unknown', finding: `${name} is ${evidence.state}${lastLine(evidence)}`, fix: `Read \`docker logs ${name}\`, then run again.` };
}

function lastLine(evidence: PostgresEvidence): string {
  const line = evidence.lastLogLines.findLast((l) => l.trim() !== '');
  return line ? `; its last log line: ${line.trim()}` : '';
}
