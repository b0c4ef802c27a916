/** The PostgreSQL types dbops loads into, and how each value is encoded for them. */
export type TargetKind =
  'smallint' | 'integer' | 'bigint' | 'double' | 'numeric' | 'boolean' | 'timestamp' | 'timestamptz' | 'date' | 'text' | 'bytea' | 'jsonb' | 'json';

export interface TargetType {
  readonly kind: TargetKind;
  /** The type as written in DDL, e.g. `numeric(10,2)`. */
  readonly sql: string;
  /** numeric only: digits in total and after the point, when constrained. */
  readonly precision?: number;
  readonly scale?: number;
}

const simple: Record<Exclude<TargetKind, 'numeric'>, string> = {
  smallint: 'smallint',
  integer: 'integer',
  bigint: 'bigint',
  double: 'double precision',
  boolean: 'boolean',
  timestamp: 'timestamp',
  timestamptz: 'timestamptz',
  date: 'date',
  text: 'text',
  bytea: 'bytea',
  jsonb: 'jsonb',
  json: 'json',
};

export function targetType(kind: Exclude<TargetKind, 'numeric'>): TargetType {
  return { kind, sql: simple[kind] };
}

export function numericType(precision?: number, scale?: number): TargetType {
  if (precision === undefined) return { kind: 'numeric', sql: 'numeric' };
  return { kind: 'numeric', sql: `numeric(${precision},${scale ?? 0})`, precision, scale: scale ?? 0 };
}

/**
 * The kind of an existing PostgreSQL column from `format_type()`, or undefined when dbops cannot
 * load it exactly. Used for tables dbops did not create (--if-exists truncate/resume) and by verify.
 */
export function targetTypeFromPostgres(formatted: string): TargetType | undefined {
  const type = formatted.toLowerCase();
  const numeric = /^numeric(?:\((\d+),(\d+)\))?$/.exec(type);
  if (numeric) return numericType(numeric[1] === undefined ? undefined : Number(numeric[1]), numeric[2] === undefined ? undefined : Number(numeric[2]));
  if (/^timestamp(\(\d\))? without time zone$/.test(type)) return { kind: 'timestamp', sql: formatted };
  if (/^timestamp(\(\d\))? with time zone$/.test(type)) return { kind: 'timestamptz', sql: formatted };
  if (/^character varying(\(\d+\))?$/.test(type) || type === 'text' || type === 'citext') return { kind: 'text', sql: formatted };
  const byName: Record<string, TargetKind> = {
    smallint: 'smallint',
    integer: 'integer',
    bigint: 'bigint',
    'double precision': 'double',
    boolean: 'boolean',
    date: 'date',
    bytea: 'bytea',
    jsonb: 'jsonb',
    json: 'json',
  };
  const kind = byName[type];
  return kind === undefined ? undefined : { kind, sql: formatted };
}
