// @ts-check

/*
 * Why rows are normalised: "restart the api and verify" compares what the app serves before and
 * after the migration, so the same data must give byte-identical JSON from either backend.
 * - Integers: SQLite may hand back a BigInt and pg hands back int8 (bigint) as a string; both become
 *   a JSON number when it is a safe integer, else a decimal string (JSON has no 64-bit integers).
 * - is_active: SQLite stores 0/1, PostgreSQL a boolean (or a smallint after a conservative
 *   migration); all become true/false, NULL stays null.
 * - metadata: SQLite keeps JSON as text, pg parses json/jsonb itself and jsonb reorders keys; all
 *   become parsed JSON with object keys sorted, so key order never differs. Text that is not valid
 *   JSON is returned as the string it is, rather than failing the whole request.
 * - Timestamps: the stored text, rewritten to one ISO 8601 spelling, because SQLite keeps whatever
 *   the app wrote ("2024-03-01 09:00:00", "...T09:00:00.250000") and PostgreSQL prints its own
 *   ("2024-03-01 09:00:00.25", "...+00"): date and time joined by "T", seconds always present,
 *   trailing zeros of the fraction dropped, a zero UTC offset written "Z", other offsets "+HH:MM",
 *   no offset left as none. Anything else (epoch numbers, "infinity", free text) passes through.
 */

const TIMESTAMP = /^(\d{4}-\d{2}-\d{2})[T ](\d{2}:\d{2})(:\d{2})?(?:\.(\d+))?\s*([Zz]|[+-]\d{2}(?::?\d{2})?)?$/;

/**
 * @param {unknown} value
 * @returns {unknown}
 */
export function toTimestamp(value) {
  if (typeof value !== 'string') return toPlain(value);
  const match = TIMESTAMP.exec(value.trim());
  if (!match) return value;
  const [, date, hoursMinutes, seconds = ':00', fraction = '', offset] = match;
  const trimmedFraction = fraction.replace(/0+$/, '');
  return `${date}T${hoursMinutes}${seconds}${trimmedFraction ? `.${trimmedFraction}` : ''}${toOffset(offset)}`;
}

/** @param {string | undefined} offset */
function toOffset(offset) {
  if (offset === undefined) return '';
  if (offset === 'Z' || offset === 'z') return 'Z';
  const digits = offset.slice(1).replace(':', '');
  const hours = digits.slice(0, 2);
  const minutes = digits.slice(2, 4) || '00';
  return hours === '00' && minutes === '00' ? 'Z' : `${offset[0]}${hours}:${minutes}`;
}

/**
 * @param {unknown} value
 * @returns {unknown}
 */
export function toInteger(value) {
  if (typeof value === 'bigint') return narrow(value);
  if (typeof value === 'string' && /^-?\d+$/.test(value)) return narrow(BigInt(value));
  return value ?? null;
}

/** @param {bigint} value */
function narrow(value) {
  return value >= BigInt(Number.MIN_SAFE_INTEGER) && value <= BigInt(Number.MAX_SAFE_INTEGER)
    ? Number(value)
    : value.toString();
}

/**
 * @param {unknown} value
 * @returns {boolean | null | unknown}
 */
export function toBoolean(value) {
  if (value === null || value === undefined) return null;
  if (typeof value === 'boolean') return value;
  if (typeof value === 'number') return value !== 0;
  if (typeof value === 'bigint') return value !== 0n;
  if (typeof value === 'string') {
    const text = value.trim().toLowerCase();
    if (['1', 't', 'true', 'y', 'yes'].includes(text)) return true;
    if (['0', 'f', 'false', 'n', 'no'].includes(text)) return false;
  }
  return toPlain(value);
}

/**
 * @param {unknown} value
 * @returns {unknown}
 */
export function toJson(value) {
  if (value === null || value === undefined) return null;
  const text = value instanceof Uint8Array ? Buffer.from(value).toString('utf8') : value;
  if (typeof text !== 'string') return sortKeys(text);
  try {
    return sortKeys(JSON.parse(text));
  } catch {
    return text;
  }
}

/**
 * @param {unknown} value
 * @returns {unknown}
 */
function sortKeys(value) {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value === null || typeof value !== 'object') return toPlain(value);
  /** @type {Record<string, unknown>} */
  const sorted = {};
  for (const key of Object.keys(value).sort()) {
    sorted[key] = sortKeys(/** @type {Record<string, unknown>} */ (value)[key]);
  }
  return sorted;
}

/**
 * Text columns pass through; only values JSON.stringify cannot carry are converted.
 * @param {unknown} value
 * @returns {unknown}
 */
export function toPlain(value) {
  if (value === undefined) return null;
  if (typeof value === 'bigint') return narrow(value);
  if (value instanceof Uint8Array) return Buffer.from(value).toString('utf8');
  return value;
}

/**
 * @param {Record<string, unknown>} row
 */
export function toSessionJson(row) {
  return {
    id: toPlain(row.id),
    user_id: toPlain(row.user_id),
    title: toPlain(row.title),
    created_at: toTimestamp(row.created_at),
    updated_at: toTimestamp(row.updated_at),
    message_count: toInteger(row.message_count),
    is_active: toBoolean(row.is_active),
    metadata: toJson(row.metadata),
  };
}

/**
 * @param {Record<string, unknown>} row
 */
export function toMessageJson(row) {
  return {
    id: toInteger(row.id),
    role: toPlain(row.role),
    content: toPlain(row.content),
    timestamp: toTimestamp(row.timestamp),
    metadata: toJson(row.metadata),
  };
}
