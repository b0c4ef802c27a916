import { appendFileSync, mkdirSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/**
 * The record of one dbops run in runs/: a log of its steps as they happen and a JSON report at
 * the end. Known secrets are masked in everything written, as a second line of defence.
 */
export class RunRecord {
  readonly logFile: string;
  readonly reportFile: string;
  private readonly started = new Date();

  constructor(
    directory: string,
    readonly name: string,
    private readonly secrets: readonly string[],
  ) {
    mkdirSync(directory, { recursive: true, mode: 0o700 });
    const stamp = this.started.toISOString().replace(/[:.]/g, '-');
    this.logFile = path.join(directory, `${stamp}-${name}.log`);
    this.reportFile = path.join(directory, `${stamp}-${name}.json`);
  }

  log(line: string): void {
    appendFileSync(this.logFile, `${new Date().toISOString()} ${this.mask(line)}\n`, { mode: 0o600 });
  }

  /** Writes the report atomically; `outcome` is 'succeeded' or 'failed'. */
  finish(outcome: 'succeeded' | 'failed', details: Readonly<Record<string, unknown>>): void {
    const report = { run: this.name, outcome, startedAt: this.started.toISOString(), finishedAt: new Date().toISOString(), ...details };
    const text = this.mask(JSON.stringify(report, (_key, value: unknown) => (typeof value === 'bigint' ? value.toString() : value), 2));
    const temporary = `${this.reportFile}.partial`;
    writeFileSync(temporary, `${text}\n`, { mode: 0o600 });
    renameSync(temporary, this.reportFile);
  }

  private mask(text: string): string {
    return this.secrets.filter((secret) => secret.length > 0).reduce((masked, secret) => masked.split(secret).join('***'), text);
  }
}
