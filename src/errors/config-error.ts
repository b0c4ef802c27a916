import { DbopsError } from './dbops-error.ts';
import { ExitCode } from './exit-codes.ts';

/** A configuration value is missing or invalid. Names the key and the file it came from. */
export class ConfigError extends DbopsError {
  readonly key: string;
  readonly source: string;

  constructor(key: string, source: string, problem: string, fix: string) {
    super(`Configuration error in ${source}: ${key} ${problem}. ${fix}`, { exitCode: ExitCode.config });
    this.key = key;
    this.source = source;
  }
}
