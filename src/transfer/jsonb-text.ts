import { canonicalNumeric } from './numeric-text.ts';

/**
 * JSON text exactly as PostgreSQL prints it back from `jsonb`: keys de-duplicated (last wins) and
 * sorted by length then bytes, `", "` and `": "` separators, numbers as numeric text. dbops sends
 * this form, so the digest of what it sent equals the digest of what the server holds. Returns
 * undefined for text jsonb refuses (invalid JSON, `\u0000`, lone surrogates).
 */
export function jsonbText(json: string): string | undefined {
  return jsonbTextFast(json) ?? jsonbTextParsed(json);
}

/**
 * The same text through the engine's JSON.parse, used only where that is provably identical: no
 * \u escapes (\u0000 and lone surrogates need the full parser's checks), no fractions or exponents and
 * no integers of 16 digits or more (JSON.parse would round them), ASCII keys (so UTF-16 order is
 * byte order). Undefined means "use the full parser", never "invalid".
 */
export function jsonbTextFast(json: string): string | undefined {
  if (unsafeForParse.test(json)) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch {
    return undefined;
  }
  return canonical(value, !nonAscii.test(json));
}

const unsafeForParse = /\\u|\d[.eE]|\d{16}/;
// eslint-disable-next-line no-control-regex
const nonAscii = /[^\u0000-\u007f]/;

/** Sorts keys the way jsonb does (length, then bytes; for ASCII keys UTF-16 order is byte order). */
function byJsonbOrder(a: string, b: string): number {
  return a.length - b.length || (a < b ? -1 : a > b ? 1 : 0);
}

function canonical(value: unknown, ascii: boolean): string | undefined {
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number' || typeof value === 'boolean' || value === null) return String(value);
  if (Array.isArray(value)) {
    let out = '[';
    for (let i = 0; i < value.length; i += 1) {
      const text = canonical(value[i], ascii);
      if (text === undefined) return undefined;
      out += i === 0 ? text : `, ${text}`;
    }
    return `${out}]`;
  }
  const object = value as Record<string, unknown>;
  const keys = Object.keys(object);
  if (!ascii) for (const key of keys) if (nonAscii.test(key)) return undefined;
  if (keys.length > 1) keys.sort(byJsonbOrder);
  let out = '{';
  for (let i = 0; i < keys.length; i += 1) {
    const key = keys[i] as string;
    const text = canonical(object[key], ascii);
    if (text === undefined) return undefined;
    out += `${i === 0 ? '' : ', '}${JSON.stringify(key)}: ${text}`;
  }
  return `${out}}`;
}

/** The full parser: every number kept digit for digit, PostgreSQL's refusals reproduced. */
export function jsonbTextParsed(json: string): string | undefined {
  const parser = new Parser(json);
  try {
    parser.space();
    const out = parser.value();
    parser.space();
    return parser.done() ? out : undefined;
  } catch {
    return undefined;
  }
}

class Parser {
  private i = 0;
  constructor(private readonly s: string) {}

  done(): boolean {
    return this.i === this.s.length;
  }

  space(): void {
    while (this.i < this.s.length && ' \t\n\r'.includes(this.s[this.i] as string)) this.i += 1;
  }

  value(): string {
    const c = this.s[this.i];
    if (c === '{') return this.object();
    if (c === '[') return this.array();
    if (c === '"') return quote(this.string());
    for (const literal of ['true', 'false', 'null']) {
      if (this.s.startsWith(literal, this.i)) {
        this.i += literal.length;
        return literal;
      }
    }
    const match = /^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/.exec(this.s.slice(this.i, this.i + 400));
    if (!match) throw new Error('bad JSON');
    this.i += match[0].length;
    const number = canonicalNumeric(match[0]);
    if (number === undefined) throw new Error('bad number');
    return number;
  }

  private object(): string {
    this.i += 1;
    const entries = new Map<string, string>();
    this.space();
    if (this.s[this.i] === '}') {
      this.i += 1;
      return '{}';
    }
    for (;;) {
      this.space();
      if (this.s[this.i] !== '"') throw new Error('bad key');
      const key = this.string();
      this.space();
      if (this.s[this.i] !== ':') throw new Error('bad object');
      this.i += 1;
      this.space();
      entries.delete(key);
      entries.set(key, this.value());
      this.space();
      const c = this.s[this.i];
      this.i += 1;
      if (c === '}') break;
      if (c !== ',') throw new Error('bad object');
    }
    const keys = [...entries.keys()].map((key) => ({ key, bytes: Buffer.from(key, 'utf8') }));
    keys.sort((a, b) => a.bytes.length - b.bytes.length || Buffer.compare(a.bytes, b.bytes));
    return `{${keys.map(({ key }) => `${quote(key)}: ${entries.get(key) ?? ''}`).join(', ')}}`;
  }

  private array(): string {
    this.i += 1;
    const items: string[] = [];
    this.space();
    if (this.s[this.i] === ']') {
      this.i += 1;
      return '[]';
    }
    for (;;) {
      this.space();
      items.push(this.value());
      this.space();
      const c = this.s[this.i];
      this.i += 1;
      if (c === ']') break;
      if (c !== ',') throw new Error('bad array');
    }
    return `[${items.join(', ')}]`;
  }

  private string(): string {
    this.i += 1;
    let out = '';
    for (;;) {
      const c = this.s[this.i];
      if (c === undefined) throw new Error('unterminated string');
      this.i += 1;
      if (c === '"') return out;
      if (c < ' ') throw new Error('control character in string');
      if (c !== '\\') {
        out += c;
        continue;
      }
      const e = this.s[this.i];
      this.i += 1;
      const simple: Record<string, string> = { '"': '"', '\\': '\\', '/': '/', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t' };
      if (e !== undefined && e in simple) {
        out += simple[e];
        continue;
      }
      if (e !== 'u') throw new Error('bad escape');
      const code = this.hex4();
      if (code === 0) throw new Error('\\u0000 is refused by jsonb');
      if (code >= 0xd800 && code <= 0xdbff) {
        if (this.s[this.i] !== '\\' || this.s[this.i + 1] !== 'u') throw new Error('lone surrogate');
        this.i += 2;
        const low = this.hex4();
        if (low < 0xdc00 || low > 0xdfff) throw new Error('lone surrogate');
        out += String.fromCharCode(code, low);
      } else if (code >= 0xdc00 && code <= 0xdfff) {
        throw new Error('lone surrogate');
      } else {
        out += String.fromCharCode(code);
      }
    }
  }

  private hex4(): number {
    const hex = this.s.slice(this.i, this.i + 4);
    if (!/^[0-9a-fA-F]{4}$/.test(hex)) throw new Error('bad \\u escape');
    this.i += 4;
    return parseInt(hex, 16);
  }
}

const escapes: Record<string, string> = { '"': '\\"', '\\': '\\\\', '\b': '\\b', '\f': '\\f', '\n': '\\n', '\r': '\\r', '\t': '\\t' };

function quote(text: string): string {
  // eslint-disable-next-line no-control-regex
  return `"${text.replace(/["\\\u0000-\u001f]/g, (c) => escapes[c] ?? `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`)}"`;
}
