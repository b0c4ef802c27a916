import { isUtf8 } from 'node:buffer';
import type { CopyTextWriter } from './copy-text-writer.ts';
import { jsonbText } from './jsonb-text.ts';
import { fitNumeric, float8Text, realAsNumeric, realAsText } from './numeric-text.ts';
import type { TargetType } from './target-type.ts';
import { dateFromText, timestampFromInteger, timestampFromReal, timestampFromText } from './timestamp-text.ts';

/** A value as dbops reads it from SQLite: text arrives as its raw UTF-8 bytes, like blobs. */
export type SourceValue = bigint | number | Buffer | null;

/** Why one value cannot be written as it is. */
export type ValueProblem = { readonly type: 'nul' } | { readonly type: 'utf8' } | { readonly type: 'convert'; readonly reason: string };

const limits = {
  smallint: [-32768n, 32767n],
  integer: [-2147483648n, 2147483647n],
  bigint: [-9223372036854775808n, 9223372036854775807n],
} as const;

/** Writes one non-null value as COPY text for its target type, or returns why it cannot. */
export function encodeValue(writer: CopyTextWriter, type: TargetType, value: Exclude<SourceValue, null>): ValueProblem | undefined {
  switch (type.kind) {
    case 'smallint':
    case 'integer':
    case 'bigint': {
      const integer = typeof value === 'bigint' ? value : typeof value === 'number' && Number.isInteger(value) ? BigInt(value) : undefined;
      const [min, max] = limits[type.kind];
      if (integer === undefined || integer < min || integer > max) return convert(value, `is not a whole number that fits ${type.sql}`);
      writer.ascii(String(integer));
      return undefined;
    }
    case 'double': {
      if (typeof value === 'number') {
        writer.ascii(float8Text(value));
        return undefined;
      }
      if (typeof value === 'bigint' && BigInt(Number(value)) === value) {
        writer.ascii(float8Text(Number(value)));
        return undefined;
      }
      return convert(value, 'cannot be held exactly by double precision');
    }
    case 'numeric': {
      const text = typeof value === 'bigint' ? String(value) : typeof value === 'number' ? realAsNumeric(value) : undefined;
      if (text === undefined) return convert(value, 'is not a number');
      const fitted = type.precision === undefined ? text : fitNumeric(text, type.precision, type.scale ?? 0);
      if (fitted === undefined) return convert(value, `does not fit ${type.sql} without rounding`);
      writer.ascii(fitted);
      return undefined;
    }
    case 'boolean': {
      if (value === 0n || value === 0) writer.ascii('f');
      else if (value === 1n || value === 1) writer.ascii('t');
      else return convert(value, 'is not 0 or 1');
      return undefined;
    }
    case 'timestamp':
    case 'timestamptz': {
      const text =
        typeof value === 'bigint'
          ? timestampFromInteger(value)
          : typeof value === 'number'
            ? timestampFromReal(value)
            : timestampFromText(value.toString('latin1'));
      if (text === undefined) return convert(value, 'is not a date and time dbops can convert exactly');
      writer.ascii(text);
      return undefined;
    }
    case 'date': {
      const text = Buffer.isBuffer(value) ? dateFromText(value.toString('latin1')) : undefined;
      if (text === undefined) return convert(value, 'is not a YYYY-MM-DD date');
      writer.ascii(text);
      return undefined;
    }
    case 'bytea': {
      writer.bytea(Buffer.isBuffer(value) ? value : Buffer.from(numberAsText(value), 'latin1'));
      return undefined;
    }
    case 'text':
    case 'json': {
      if (!Buffer.isBuffer(value)) {
        writer.ascii(numberAsText(value));
        return undefined;
      }
      if (!isUtf8(value)) return { type: 'utf8' };
      return writer.escaped(value) ? undefined : { type: 'nul' };
    }
    case 'jsonb': {
      if (!Buffer.isBuffer(value)) return convert(value, 'is a number, not JSON text');
      if (!isUtf8(value)) return { type: 'utf8' };
      if (value.includes(0)) return { type: 'nul' };
      const text = jsonbText(value.toString('utf8'));
      if (text === undefined) return convert(value, 'is not JSON that jsonb accepts');
      writer.escaped(Buffer.from(text, 'utf8'));
      return undefined;
    }
  }
}

/** An integer or real the way SQLite turns it into text. */
export function numberAsText(value: bigint | number): string {
  return typeof value === 'bigint' ? String(value) : realAsText(value);
}

function convert(value: Exclude<SourceValue, null>, why: string): ValueProblem {
  const shown = Buffer.isBuffer(value) ? JSON.stringify(value.subarray(0, 60).toString('utf8')) : String(value);
  return { type: 'convert', reason: `value ${shown} ${why}` };
}

/** What a text with a NUL or invalid UTF-8 becomes under --invalid-text replace: U+FFFD for each bad byte or NUL. */
export function replaceInvalidText(bytes: Buffer): Buffer {
  return Buffer.from(bytes.toString('utf8').replaceAll('\u0000', '\uFFFD'), 'utf8');
}
