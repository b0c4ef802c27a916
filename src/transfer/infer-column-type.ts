import type { ColumnStats } from './column-stats.ts';
import { numericType, targetType, type TargetType } from './target-type.ts';

/** SQLite's type affinity of a declared type (https://sqlite.org/datatype3.html, 3.1), plus the names dbops reads further. */
export type DeclaredFamily = 'integer' | 'text' | 'blob' | 'real' | 'numeric' | 'boolean' | 'date' | 'timestamp' | 'json';

export function declaredFamily(declared: string): DeclaredFamily {
  const type = declared.toUpperCase().replaceAll('"', '');
  if (type.includes('INT')) return 'integer';
  if (/CHAR|CLOB|TEXT/.test(type)) return 'text';
  if (type === '' || type.includes('BLOB')) return 'blob';
  if (/REAL|FLOA|DOUB/.test(type)) return 'real';
  if (type.includes('BOOL')) return 'boolean';
  if (type.includes('JSON')) return 'json';
  if (/DATETIME|TIMESTAMP/.test(type)) return 'timestamp';
  if (/^DATE\b/.test(type)) return 'date';
  return 'numeric';
}

/** True when the family's stats should include the date and JSON counts. */
export function wantsDateStats(declared: string): boolean {
  const family = declaredFamily(declared);
  return family === 'date' || family === 'timestamp';
}

export function wantsJsonStats(declared: string): boolean {
  return declaredFamily(declared) === 'json';
}

export interface InferredType {
  readonly type: TargetType;
  /** Why the type is wider than the declared one (the values did not fit it), for the summary. */
  readonly widened?: string;
}

const int32 = { min: -2147483648n, max: 2147483647n };

/**
 * The PostgreSQL type for a SQLite column, from its declared type and the values actually stored
 * (SQLite does not enforce types). The result always holds every stored value exactly; when that
 * needs a wider type than declared, `widened` says why.
 */
export function inferColumnType(declared: string, stats: ColumnStats, options: { rowidAlias?: boolean } = {}): InferredType {
  const family = declaredFamily(declared);
  const { nonNull, integers, reals, texts, blobs } = stats;
  const numbers = integers + reals;
  const shown = declared === '' ? 'no declared type' : `declared ${declared}`;

  if (options.rowidAlias) return { type: targetType('bigint') };
  if (nonNull === 0) return { type: declaredType(declared, family) };
  if (blobs > 0) {
    if (blobs === nonNull && family === 'blob') return { type: targetType('bytea') };
    return {
      type: targetType('bytea'),
      widened: blobs === nonNull ? `${shown} but holds only blobs` : `${shown} but holds blobs mixed with other values; kept byte for byte as bytea`,
    };
  }
  if (texts > 0) {
    const temporal = family === 'date' || family === 'timestamp';
    if (temporal && stats.dateTexts === texts) {
      if (family === 'date' && stats.dateOnlyTexts === texts && numbers === 0) return { type: targetType('date') };
      if (numbers > 0)
        return {
          type: targetType('timestamp'),
          widened: `${shown} holds ISO text and numbers: unix seconds (milliseconds above 10^11), reals between 10^6 and 10^7 as julian days`,
        };
      return { type: targetType('timestamp'), ...(family === 'date' ? { widened: `${shown} but holds date-times; loaded as timestamp` } : {}) };
    }
    if (numbers === 0) {
      if (family === 'text') return { type: targetType('text') };
      if (family === 'json' && stats.jsonTexts === texts) return { type: targetType('jsonb') };
      if (family === 'blob' && declared !== '') return { type: targetType('text'), widened: `${shown} but holds only text; kept as text, not decoded` };
      if (family === 'blob') return { type: targetType('text') };
      const why = temporal ? 'text that is not an ISO date' : family === 'json' ? 'text that is not valid JSON' : 'text';
      return { type: targetType('text'), widened: `${shown} but holds ${why}; loaded as text` };
    }
    return { type: targetType('text'), widened: `${shown} but holds text mixed with numbers; loaded as text` };
  }
  // Only numbers from here on.
  if (family === 'date' || family === 'timestamp') {
    return {
      type: targetType('timestamp'),
      widened: `${shown} holds numbers: converted as unix seconds (milliseconds above 10^11), reals between 10^6 and 10^7 as julian days`,
    };
  }
  if (family === 'boolean') {
    if (reals === 0 && stats.minInteger !== null && stats.maxInteger !== null && stats.minInteger >= 0n && stats.maxInteger <= 1n)
      return { type: targetType('boolean') };
    return { ...integerOrNumeric(declared, stats), widened: `${shown} but holds numbers other than 0 and 1` };
  }
  if (family === 'numeric') {
    const typmod = typeModifier(declared);
    return { type: typmod ? numericType(typmod.precision, typmod.scale) : numericType() };
  }
  if (family === 'real') return { type: targetType('double') };
  if (reals === 0) return integerOrNumeric(declared, stats);
  if (integers === 0) {
    if (family === 'integer' || family === 'text' || family === 'json')
      return { type: targetType('double'), widened: `${shown} but holds reals; loaded as double precision` };
    return { type: targetType('double') };
  }
  return { type: numericType(), widened: `${shown} but holds integers and reals; loaded as numeric, which keeps both exactly` };
}

function integerOrNumeric(declared: string, stats: ColumnStats): InferredType {
  const upper = declared.toUpperCase();
  const big = /BIG|INT8|LONG/.test(upper) || declared === '' || upper.includes('BLOB');
  const fits = stats.minInteger !== null && stats.maxInteger !== null && stats.minInteger >= int32.min && stats.maxInteger <= int32.max;
  return { type: targetType(!big && fits ? 'integer' : 'bigint') };
}

function declaredType(declared: string, family: DeclaredFamily): TargetType {
  switch (family) {
    case 'integer':
      return targetType(/BIG|INT8|LONG/.test(declared.toUpperCase()) ? 'bigint' : 'integer');
    case 'text':
      return targetType('text');
    case 'blob':
      return targetType(declared === '' ? 'text' : 'bytea');
    case 'real':
      return targetType('double');
    case 'boolean':
      return targetType('boolean');
    case 'date':
      return targetType('date');
    case 'timestamp':
      return targetType('timestamp');
    case 'json':
      return targetType('jsonb');
    case 'numeric': {
      const typmod = typeModifier(declared);
      return typmod ? numericType(typmod.precision, typmod.scale) : numericType();
    }
  }
}

/** `(p,s)` of NUMERIC(p,s) / DECIMAL(p) when PostgreSQL can hold it. */
function typeModifier(declared: string): { precision: number; scale: number } | undefined {
  const match = /\(\s*(\d+)\s*(?:,\s*(\d+)\s*)?\)/.exec(declared);
  if (!match) return undefined;
  const precision = Number(match[1]);
  const scale = Number(match[2] ?? 0);
  if (precision < 1 || precision > 1000 || scale > precision) return undefined;
  return { precision, scale };
}
