/**
 * Dates and times as PostgreSQL prints `timestamp` and `date` (ISO, UTC), converted from what SQLite
 * applications store: ISO text (with a T or a space, optional fraction, optional Z or offset),
 * unix seconds, unix milliseconds and julian days. Every function returns undefined when the value
 * cannot be converted exactly, so the caller keeps it as text instead.
 */

const isoPattern = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d+))?)?)?\s*(Z|[+-]\d{2}(?::?\d{2})?)?$/i;

/** Unix milliseconds from 10^11 up: 10^11 seconds is the year 5138, 10^11 ms is 1973. */
export const millisecondsThreshold = 100_000_000_000n;

export function timestampFromText(text: string): string | undefined {
  const match = isoPattern.exec(text);
  if (!match) return undefined;
  const [, y, mo, d, h = '00', mi = '00', s = '00', fractionText = '', zone] = match;
  if (match[4] === undefined && zone !== undefined) return undefined;
  const year = Number(y);
  const month = Number(mo);
  const day = Number(d);
  const hour = Number(h);
  const minute = Number(mi);
  const second = Number(s);
  if (year < 1 || month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month) || hour > 23 || minute > 59 || second > 59) return undefined;
  // PostgreSQL keeps microseconds: more digits are only exact when they are zeros.
  if (fractionText.length > 6 && !/^0+$/.test(fractionText.slice(6))) return undefined;
  const fraction = fractionText.slice(0, 6).replace(/0+$/, '');
  let offsetMinutes = 0;
  if (zone !== undefined && zone.toUpperCase() !== 'Z') {
    const digits = zone.slice(1).replace(':', '');
    const hours = Number(digits.slice(0, 2));
    const minutes = Number(digits.slice(2) || '0');
    if (hours > 15 || minutes > 59) return undefined;
    offsetMinutes = (zone.startsWith('-') ? -1 : 1) * (hours * 60 + minutes);
  }
  if (offsetMinutes === 0) return `${y}-${mo}-${d} ${h}:${mi}:${s}${fraction ? `.${fraction}` : ''}`;
  const date = new Date(0);
  date.setUTCFullYear(year, month - 1, day);
  date.setUTCHours(hour, minute - offsetMinutes, second, 0);
  return formatUtc(date, fraction);
}

export function dateFromText(text: string): string | undefined {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  if (!match) return undefined;
  const year = Number(match[1]);
  const month = Number(match[2]);
  const day = Number(match[3]);
  if (year < 1 || month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return undefined;
  return text;
}

/** Unix seconds, or milliseconds from 10^11 up. */
export function timestampFromInteger(value: bigint): string | undefined {
  const abs = value < 0n ? -value : value;
  const milliseconds = abs >= millisecondsThreshold ? value : value * 1000n;
  if (milliseconds > 253402300799999n || milliseconds < -62135596800000n) return undefined;
  const ms = Number(milliseconds);
  const whole = Math.floor(ms / 1000) * 1000;
  const fraction = String(ms - whole)
    .padStart(3, '0')
    .replace(/0+$/, '');
  return formatUtc(new Date(whole), fraction);
}

/** Reals between 10^6 and 10^7 are julian days (SQLite's own numeric time); others unix seconds. Kept to the microsecond. */
export function timestampFromReal(value: number): string | undefined {
  if (!Number.isFinite(value)) return undefined;
  const julian = Math.abs(value) >= 1e6 && Math.abs(value) < 1e7;
  // Julian days carry about 0.1 ms of precision: like SQLite, keep milliseconds.
  const micros = julian ? Math.round((value - 2440587.5) * 86_400_000) * 1000 : Math.round(value * 1e6);
  if (!Number.isSafeInteger(micros)) return undefined;
  const seconds = Math.floor(micros / 1e6);
  if (seconds > 253402300799 || seconds < -62135596800) return undefined;
  const fraction = String(micros - seconds * 1e6)
    .padStart(6, '0')
    .replace(/0+$/, '');
  return formatUtc(new Date(seconds * 1000), fraction);
}

function formatUtc(date: Date, fraction: string): string | undefined {
  const year = date.getUTCFullYear();
  if (year < 1 || year > 9999) return undefined;
  const two = (n: number) => String(n).padStart(2, '0');
  return (
    `${String(year).padStart(4, '0')}-${two(date.getUTCMonth() + 1)}-${two(date.getUTCDate())} ` +
    `${two(date.getUTCHours())}:${two(date.getUTCMinutes())}:${two(date.getUTCSeconds())}${fraction ? `.${fraction}` : ''}`
  );
}

function daysInMonth(year: number, month: number): number {
  if (month === 2) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
  return [4, 6, 9, 11].includes(month) ? 30 : 31;
}
