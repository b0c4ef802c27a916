import { createHash } from 'node:crypto';
import { InputError } from '../errors/input-error.ts';

export type IdentifierMode = 'lower' | 'preserve';

/** PostgreSQL's NAMEDATALEN - 1: longer names are cut, silently, by the server. */
export const maxIdentifierBytes = 63;

/**
 * The PostgreSQL name for a SQLite name: lower-cased in `lower` mode (so unquoted SQL keeps
 * working), and shortened to 63 bytes with a hash suffix so two long names never become one.
 */
export function targetName(name: string, mode: IdentifierMode): string {
  return shortenIdentifier(mode === 'lower' ? name.toLowerCase() : name);
}

export function shortenIdentifier(name: string): string {
  if (Buffer.byteLength(name, 'utf8') <= maxIdentifierBytes) return name;
  const hash = createHash('sha1').update(name).digest('hex').slice(0, 8);
  let prefix = '';
  for (const char of name) {
    if (Buffer.byteLength(prefix + char, 'utf8') > maxIdentifierBytes - 9) break;
    prefix += char;
  }
  return `${prefix}_${hash}`;
}

/**
 * Maps every name of one namespace (the tables of a schema, the columns of a table) and refuses
 * two source names that would become the same PostgreSQL name.
 */
export function mapNames(names: readonly string[], mode: IdentifierMode, namespace: string): Map<string, string> {
  const mapped = new Map<string, string>();
  const owners = new Map<string, string>();
  for (const name of names) {
    const target = targetName(name, mode);
    const other = owners.get(target);
    if (other !== undefined && other !== name) {
      throw new InputError(
        `Two names in ${namespace} become the same PostgreSQL name "${target}": "${other}" and "${name}". ` +
          (mode === 'lower'
            ? 'Run again with --identifiers preserve to keep their case (queries must then quote them), or rename one in SQLite.'
            : 'Rename one of them in SQLite.'),
      );
    }
    owners.set(target, name);
    mapped.set(name, target);
  }
  return mapped;
}

/** Unique names for indexes and constraints, which share one namespace per schema in PostgreSQL. */
export class RelationNames {
  private readonly used = new Set<string>();

  constructor(taken: Iterable<string> = []) {
    for (const name of taken) this.used.add(name);
  }

  /** `preferred`, or `preferred_2`, `_3` ... when taken. */
  claim(preferred: string): string {
    let candidate = shortenIdentifier(preferred);
    for (let n = 2; this.used.has(candidate); n += 1) candidate = shortenIdentifier(`${preferred}_${n}`);
    this.used.add(candidate);
    return candidate;
  }
}
