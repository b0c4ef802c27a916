/**
 * A double as PostgreSQL 12+ prints a double precision (shortest exact digits, exponent form below
 * 1e-4 and from 1e15 up, two-digit exponents), so what dbops sends is what the server prints back.
 */
export function float8Text(value: number): string {
  if (Number.isNaN(value)) return 'NaN';
  if (value === Infinity) return 'Infinity';
  if (value === -Infinity) return '-Infinity';
  if (value === 0) return Object.is(value, -0) ? '-0' : '0';
  const exponential = value.toExponential();
  const exponent = Number(exponential.slice(exponential.indexOf('e') + 1));
  if (exponent < -4 || exponent >= 15) return exponential.replace(/e([+-])(\d)$/, 'e$10$2');
  return String(value);
}

/**
 * PostgreSQL's numeric text for a decimal literal (`1.50`, `1e2`, `-0.0`, `1.2e-7`): positional
 * notation, the scale the literal implies, no negative zero. Returns undefined for anything else.
 */
export function canonicalNumeric(literal: string): string | undefined {
  const match = /^([+-]?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/.exec(literal);
  if (!match) return undefined;
  const [, sign = '', whole = '', fraction = '', exponentText] = match;
  if (whole === '' && fraction === '') return undefined;
  const exponent = Number(exponentText ?? 0);
  if (!Number.isSafeInteger(exponent) || Math.abs(exponent) > 100_000) return undefined;
  const digits = whole + fraction;
  // The value is digits × 10^(exponent - fraction.length).
  const pointFromRight = fraction.length - exponent;
  const scale = Math.max(0, pointFromRight);
  let integerPart: string;
  let fractionPart: string;
  if (pointFromRight <= 0) {
    integerPart = digits + '0'.repeat(-pointFromRight);
    fractionPart = '';
  } else if (pointFromRight >= digits.length) {
    integerPart = '0';
    fractionPart = '0'.repeat(pointFromRight - digits.length) + digits;
  } else {
    integerPart = digits.slice(0, digits.length - pointFromRight);
    fractionPart = digits.slice(digits.length - pointFromRight);
  }
  integerPart = integerPart.replace(/^0+(?=\d)/, '');
  const zero = /^0*$/.test(integerPart + fractionPart);
  const text = scale > 0 ? `${integerPart}.${fractionPart}` : integerPart;
  return sign === '-' && !zero ? `-${text}` : text;
}

/** A SQLite real as exact decimal text (its shortest round-trip digits), e.g. 0.1 → "0.1", 1e21 → "1000000000000000000000". */
export function realAsNumeric(value: number): string | undefined {
  if (!Number.isFinite(value)) return undefined;
  return canonicalNumeric(value.toExponential());
}

/**
 * Numeric text fitted to numeric(precision, scale): padded to the scale, or undefined when it
 * would need rounding or has too many integer digits (PostgreSQL would round or refuse).
 */
export function fitNumeric(text: string, precision: number, scale: number): string | undefined {
  const negative = text.startsWith('-');
  const [whole = '', fraction = ''] = (negative ? text.slice(1) : text).split('.');
  const trimmed = fraction.replace(/0+$/, '');
  if (trimmed.length > scale) return undefined;
  const integerDigits = whole.replace(/^0+/, '').length;
  if (integerDigits > precision - scale) return undefined;
  const padded = scale > 0 ? `${whole}.${trimmed.padEnd(scale, '0')}` : whole;
  return negative && /[1-9]/.test(padded) ? `-${padded}` : padded;
}

/** How SQLite shows a real when it turns it into text (1.0 stays "1.0"), but with exact digits. */
export function realAsText(value: number): string {
  if (Number.isNaN(value)) return 'NaN';
  if (!Number.isFinite(value)) return value > 0 ? 'Inf' : '-Inf';
  if (Number.isInteger(value) && Math.abs(value) < 1e15) return `${Object.is(value, -0) ? '-' : ''}${value.toFixed(1)}`;
  return String(value);
}
