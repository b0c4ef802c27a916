import { readFileSync, statSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { RunRecord } from '../../../src/common/run-record.ts';
import { tempDir } from '../../support/temp-dir.ts';

describe('RunRecord', () => {
  it('writes a log and a JSON report, owner-readable only, with known secrets masked', () => {
    const dir = tempDir();
    try {
      const record = new RunRecord(dir.path, 'migrate-production', ['hunter2']);
      record.log('connecting with hunter2 (should never happen, but if it does it is masked)');
      record.finish('succeeded', { tables: 2, note: 'password=hunter2' });
      const log = readFileSync(record.logFile, 'utf8');
      const report = JSON.parse(readFileSync(record.reportFile, 'utf8')) as Record<string, unknown>;
      expect(log).toMatch(/connecting with \*\*\* \(should/);
      expect(report).toMatchObject({ run: 'migrate-production', outcome: 'succeeded', tables: 2, note: 'password=***' });
      expect(statSync(record.reportFile).mode & 0o777).toBe(0o600);
      expect(record.reportFile).toMatch(/\d{4}-\d\d-\d\dT\d\d-\d\d-\d\d-\d+Z-migrate-production\.json$/);
    } finally {
      dir.remove();
    }
  });
});
