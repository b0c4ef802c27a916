import { readFileSync } from 'node:fs';

/** dbops's own version, from package.json (two levels up from src/common and from dist/common alike). */
export function dbopsVersion(): string {
  const file = new URL('../../package.json', import.meta.url);
  return (JSON.parse(readFileSync(file, 'utf8')) as { version: string }).version;
}
