import { describe, expect, it } from 'vitest';
import { diagnosePostgres, type PostgresEvidence } from '../../../src/stack/postgres-diagnosis.ts';

const running: PostgresEvidence = { containerName: 'app-postgres-1', state: 'running', lastLogLines: [] };

describe('diagnosePostgres: one row per cause', () => {
  it.each<[string, Partial<PostgresEvidence>, string, RegExp, RegExp]>([
    ['disk full by SQLSTATE', { fault: 'disk full' }, 'disk full', /data volume in app-postgres-1 is full/, /Free space on the volume or grow it/],
    [
      'disk full by its log',
      { state: 'exited', exitCode: 1, lastLogLines: ['PANIC:  could not write to file "pg_wal/xlogtemp.42": No space left on device'] },
      'disk full',
      /is full/,
      /grow it/,
    ],
    ['disk full by the volume', { volumeFreeBytes: 4 * 2 ** 20 }, 'disk full', /is full \(4 MiB free\)/, /grow it/],
    [
      'OOM-killed',
      { state: 'exited', exitCode: 137, oomKilled: true, memoryLimitBytes: 256 * 2 ** 20 },
      'out of memory',
      /ran out of memory and was killed by the kernel \(memory limit 256 MiB\)/,
      /memory limit/,
    ],
    ['paused', { state: 'paused' }, 'paused', /is paused/, /docker unpause app-postgres-1/],
    ['killed', { state: 'exited', exitCode: 137 }, 'killed', /killed \(SIGKILL, exit code 137\) from outside dbops/, /docker events/],
    ['stopped', { state: 'exited', exitCode: 0 }, 'stopped', /was stopped \(exit code 0\)/, /start it again/],
    ['stopped by SIGTERM', { state: 'exited', exitCode: 143 }, 'stopped', /exit code 143/, /start it again/],
    [
      'crashed',
      { state: 'exited', exitCode: 1, lastLogLines: ['FATAL:  bad setting', ''] },
      'crashed',
      /exited with code 1; its last log line: FATAL: {2}bad setting/,
      /docker logs app-postgres-1/,
    ],
    ['removed', { state: 'missing' }, 'removed', /no longer exists/, /start the stack again/],
    ['restarted', { restartsDuringStep: 1 }, 'restarted', /restarted during the step/, /docker logs/],
    ['crash restart by SQLSTATE', { fault: 'crash restart' }, 'restarted', /restarted/, /docker logs/],
    ['terminated backend', { fault: 'terminated' }, 'terminated', /ended by an administrator command/, /pg_terminate_backend/],
    ['nothing known', {}, 'unknown', /app-postgres-1 is running/, /docker logs/],
  ])('%s', (_name, evidence, cause, finding, fix) => {
    const diagnosis = diagnosePostgres({ ...running, ...evidence });
    expect(diagnosis.cause).toBe(cause);
    expect(diagnosis.finding).toMatch(finding);
    expect(diagnosis.fix).toMatch(fix);
  });
});
