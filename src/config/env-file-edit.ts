import { closeSync, existsSync, fsyncSync, openSync, readFileSync, renameSync, statSync, writeSync } from 'node:fs';
import path from 'node:path';

/** Sets (string) or removes (undefined) keys; null leaves a key alone. */
export type EnvUpdates = Readonly<Record<string, string | undefined>>;

/**
 * Applies updates to the text of an env file, keeping its comments, order and every other line.
 * A key already present is changed where it stands; a new key is appended.
 */
export function applyEnvUpdates(text: string, updates: EnvUpdates): string {
  const pending = new Map(Object.entries(updates));
  const lines = text.split('\n');
  const kept: string[] = [];
  for (const line of lines) {
    const key = /^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=/.exec(line)?.[1];
    if (key === undefined || !pending.has(key)) {
      kept.push(line);
      continue;
    }
    const value = pending.get(key);
    pending.delete(key);
    if (value !== undefined) kept.push(`${key}=${value}`);
  }
  while (kept.length > 0 && kept[kept.length - 1] === '') kept.pop();
  for (const [key, value] of pending) if (value !== undefined) kept.push(`${key}=${value}`);
  return `${kept.join('\n')}\n`;
}

/**
 * Rewrites (or creates) an env file atomically: the new text goes to a temporary file beside it, is flushed to
 * disk, and replaces the old file by rename, so a crash leaves either the old or the new file.
 */
export function updateEnvFile(file: string, updates: EnvUpdates): void {
  // A file that does not exist yet (a first .local file) is created readable by its owner only.
  const exists = existsSync(file);
  const next = applyEnvUpdates(exists ? readFileSync(file, 'utf8') : '', updates);
  const temporary = path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}.tmp`);
  const fd = openSync(temporary, 'w', exists ? statSync(file).mode & 0o777 : 0o600);
  try {
    writeSync(fd, next);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(temporary, file);
}
