export type SqlTokenKind = 'word' | 'quoted' | 'string' | 'number' | 'blob' | 'punct' | 'param';

/** One token of SQLite SQL. `value` is the unquoted text for identifiers and strings. */
export interface SqlToken {
  readonly kind: SqlTokenKind;
  readonly text: string;
  readonly value: string;
}

const punctuation = ['||', '<=', '>=', '==', '!=', '<>', '<<', '>>', '->>', '->'];

/**
 * Splits SQLite SQL into tokens, dropping whitespace and comments. Identifiers quoted with "", [] or ``
 * become `quoted` tokens; bare words stay `word`. Throws on an unterminated quote.
 */
export function tokenizeSql(sql: string): SqlToken[] {
  const tokens: SqlToken[] = [];
  let i = 0;
  while (i < sql.length) {
    const c = sql[i] as string;
    if (/\s/.test(c)) {
      i += 1;
    } else if (sql.startsWith('--', i)) {
      const end = sql.indexOf('\n', i);
      i = end === -1 ? sql.length : end + 1;
    } else if (sql.startsWith('/*', i)) {
      const end = sql.indexOf('*/', i + 2);
      i = end === -1 ? sql.length : end + 2;
    } else if (c === "'") {
      const [value, next] = readQuoted(sql, i, "'", "'");
      tokens.push({ kind: 'string', text: sql.slice(i, next), value });
      i = next;
    } else if (c === '"' || c === '`') {
      const [value, next] = readQuoted(sql, i, c, c);
      tokens.push({ kind: 'quoted', text: sql.slice(i, next), value });
      i = next;
    } else if (c === '[') {
      const end = sql.indexOf(']', i + 1);
      if (end === -1) throw new Error(`unterminated [ in SQL at offset ${i}`);
      tokens.push({ kind: 'quoted', text: sql.slice(i, end + 1), value: sql.slice(i + 1, end) });
      i = end + 1;
    } else if ((c === 'x' || c === 'X') && sql[i + 1] === "'") {
      const [value, next] = readQuoted(sql, i + 1, "'", "'");
      tokens.push({ kind: 'blob', text: sql.slice(i, next), value });
      i = next;
    } else if (/[0-9]/.test(c) || (c === '.' && /[0-9]/.test(sql[i + 1] ?? ''))) {
      const match = /^(0x[0-9a-f]+|(\d+(\.\d*)?|\.\d+)(e[+-]?\d+)?)/i.exec(sql.slice(i)) as RegExpExecArray;
      tokens.push({ kind: 'number', text: match[0], value: match[0] });
      i += match[0].length;
    } else if (/[A-Za-z_\u0080-\uffff]/.test(c)) {
      const match = /^[A-Za-z_0-9$\u0080-\uffff]+/.exec(sql.slice(i)) as RegExpExecArray;
      tokens.push({ kind: 'word', text: match[0], value: match[0] });
      i += match[0].length;
    } else if (c === '?' || c === ':' || c === '@' || c === '$') {
      const match = /^[?:@$][A-Za-z_0-9]*/.exec(sql.slice(i)) as RegExpExecArray;
      tokens.push({ kind: 'param', text: match[0], value: match[0] });
      i += match[0].length;
    } else {
      const op = punctuation.find((p) => sql.startsWith(p, i)) ?? c;
      tokens.push({ kind: 'punct', text: op, value: op });
      i += op.length;
    }
  }
  return tokens;
}

function readQuoted(sql: string, start: number, open: string, close: string): [string, number] {
  let value = '';
  let i = start + open.length;
  for (;;) {
    const end = sql.indexOf(close, i);
    if (end === -1) throw new Error(`unterminated ${open} in SQL at offset ${start}`);
    value += sql.slice(i, end);
    if (sql[end + 1] === close) {
      value += close;
      i = end + 2;
    } else {
      return [value, end + 1];
    }
  }
}

/** True when the token is the bare keyword `word` (case-insensitive). */
export function isWord(token: SqlToken | undefined, word: string): boolean {
  return token !== undefined && token.kind === 'word' && token.value.toUpperCase() === word;
}

/** Index just past the parenthesis that closes the one at `open`. */
export function closingParen(tokens: readonly SqlToken[], open: number): number {
  let depth = 0;
  for (let i = open; i < tokens.length; i += 1) {
    const text = tokens[i]?.kind === 'punct' ? tokens[i]?.text : undefined;
    if (text === '(') depth += 1;
    else if (text === ')') {
      depth -= 1;
      if (depth === 0) return i + 1;
    }
  }
  throw new Error('unbalanced parentheses in SQL');
}

/** Splits tokens at top-level commas (depth 0 relative to the slice). */
export function splitTopLevel(tokens: readonly SqlToken[], separator = ','): SqlToken[][] {
  const parts: SqlToken[][] = [[]];
  let depth = 0;
  for (const token of tokens) {
    if (token.kind === 'punct' && token.text === '(') depth += 1;
    if (token.kind === 'punct' && token.text === ')') depth -= 1;
    if (depth === 0 && token.kind === 'punct' && token.text === separator) parts.push([]);
    else parts[parts.length - 1]?.push(token);
  }
  return parts;
}
