import { openSync } from 'node:fs';
import { finished } from 'node:stream/promises';
import { describe, expect, it } from 'vitest';
import { ArchiveFileSink } from '../../../src/backup/archive-file-sink.ts';
import { archiveWriteError } from '../../../src/backup/backup-run.ts';
import { ExitCode } from '../../../src/errors/exit-codes.ts';

describe('archiveWriteError', () => {
  it('names the backup directory when the disk is full (a real ENOSPC from /dev/full)', async () => {
    const sink = new ArchiveFileSink(openSync('/dev/full', 'w'));
    sink.end(Buffer.alloc(3 * 1024 * 1024, 1));
    const error = await finished(sink).then(
      () => undefined,
      (thrown: unknown) => thrown,
    );
    expect((error as NodeJS.ErrnoException).code).toBe('ENOSPC');
    const described = archiveWriteError(error, '/srv/backups/appdb-20261205T052800Z.dump.partial', 3 * 1024 * 1024);
    expect(described?.exitCode).toBe(ExitCode.input);
    expect(described?.message).toBe(
      'The backup directory /srv/backups (BACKUP_DIR) is full (ENOSPC): writing appdb-20261205T052800Z.dump.partial stopped after 3.0 MiB. ' +
        'No backup was made and the partial file was deleted. Free space there, or set BACKUP_DIR to a larger disk, then run again.',
    );
  });

  it.each([
    ['EDQUOT', /is over its disk quota \(EDQUOT\)/],
    ['EROFS', /is on a read-only file system \(EROFS\)/],
    ['EIO', /had an I\/O error \(EIO\)/],
  ])('%s', (code, message) => {
    expect(archiveWriteError(Object.assign(new Error(code), { code }), '/b/x.partial', 0)?.message).toMatch(message);
  });

  it('leaves any other error to its own handling', () => {
    expect(archiveWriteError(new Error('pg_dump failed'), '/b/x.partial', 0)).toBeUndefined();
    expect(archiveWriteError(Object.assign(new Error('x'), { code: 'EPIPE' }), '/b/x.partial', 0)).toBeUndefined();
  });
});
