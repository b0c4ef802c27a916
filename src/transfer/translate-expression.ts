import { quoteIdentifier, quoteLiteral } from '../postgres/quote-identifier.ts';
import { closingParen, isWord, splitTopLevel, tokenizeSql, type SqlToken } from '../sqlite/sql-tokens.ts';
import { targetName, type IdentifierMode } from './identifier-mapper.ts';
import { declaredFamily } from './infer-column-type.ts';
import { jsonbText } from './jsonb-text.ts';
import { canonicalNumeric, fitNumeric } from './numeric-text.ts';
import type { TargetType } from './target-type.ts';
import { dateFromText, timestampFromInteger, timestampFromReal, timestampFromText } from './timestamp-text.ts';

/** SQL that PostgreSQL runs, or the reason it could not be written. */
export type Translation = { readonly ok: true; readonly sql: string } | { readonly ok: false; readonly reason: string };

const keywords = new Set(
  (
    'SELECT FROM WHERE AS JOIN INNER LEFT RIGHT FULL OUTER CROSS ON AND OR NOT NULL IN BETWEEN CASE WHEN THEN ELSE END ' +
    'GROUP BY ORDER HAVING UNION ALL DISTINCT ASC DESC LIMIT OFFSET EXISTS CAST TRUE FALSE INTERSECT EXCEPT USING NATURAL ' +
    'ESCAPE NULLS FIRST LAST OVER PARTITION ROWS RANGE PRECEDING FOLLOWING UNBOUNDED CURRENT ROW FILTER WITH RECURSIVE VALUES'
  ).split(' '),
);

const functions: Record<string, string> = {
  lower: 'lower',
  upper: 'upper',
  length: 'length',
  abs: 'abs',
  coalesce: 'coalesce',
  ifnull: 'coalesce',
  nullif: 'nullif',
  substr: 'substr',
  substring: 'substr',
  trim: 'trim',
  ltrim: 'ltrim',
  rtrim: 'rtrim',
  replace: 'replace',
  round: 'round',
  count: 'count',
  sum: 'sum',
  avg: 'avg',
  max: 'max',
  min: 'min',
  instr: 'strpos',
};

const nowExpressions: Record<string, string> = {
  timestamp: "(now() AT TIME ZONE 'utc')",
  timestamptz: 'now()',
  date: "((now() AT TIME ZONE 'utc')::date)",
};

/**
 * Translates a SQLite expression or query (CHECK, partial index WHERE, index expression, view) to
 * PostgreSQL, token by token: identifiers mapped and quoted, `==` to `=`, LIKE to ILIKE (SQLite's LIKE
 * ignores ASCII case), `a IS b` to IS NOT DISTINCT FROM, ifnull to coalesce, scalar max/min to
 * greatest/least. Anything without a faithful equivalent (GLOB, date functions, typeof ...) is refused.
 */
export function translateExpression(tokens: readonly SqlToken[], mode: IdentifierMode): Translation {
  const out: string[] = [];
  for (let i = 0; i < tokens.length; i += 1) {
    const token = tokens[i] as SqlToken;
    const next = tokens[i + 1];
    switch (token.kind) {
      case 'quoted':
        out.push(quoteIdentifier(targetName(token.value, mode)));
        break;
      case 'string':
        out.push(quoteLiteral(token.value));
        break;
      case 'number':
        out.push(/^0x/i.test(token.text) ? String(BigInt(token.text)) : token.text);
        break;
      case 'blob':
        out.push(`'\\x${token.value.toLowerCase()}'::bytea`);
        break;
      case 'param':
        return { ok: false, reason: `parameter ${token.text} has no meaning outside a statement` };
      case 'punct':
        if (token.text === '==') out.push('=');
        else if (token.text === ';') return { ok: false, reason: 'more than one statement' };
        else out.push(token.text);
        break;
      case 'word': {
        const upper = token.value.toUpperCase();
        if (keywords.has(upper) && upper !== 'CAST') {
          out.push(upper);
          break;
        }
        if (next?.kind === 'punct' && next.text === '(') {
          const end = closingParen(tokens, i + 1);
          const inner = tokens.slice(i + 2, end - 1);
          if (upper === 'CAST') {
            const asIndex = inner.findIndex((t, k) => isWord(t, 'AS') && splitTopLevel(inner.slice(0, k)).length === 1 && depthAt(inner, k) === 0);
            if (asIndex === -1) return { ok: false, reason: 'CAST without AS' };
            const operand = translateExpression(inner.slice(0, asIndex), mode);
            if (!operand.ok) return operand;
            out.push(
              `CAST(${operand.sql} AS ${castType(
                inner
                  .slice(asIndex + 1)
                  .map((t) => t.text)
                  .join(' '),
              )})`,
            );
            i = end - 1;
            break;
          }
          const args = inner.length === 0 ? [] : splitTopLevel(inner);
          const name = functions[token.value.toLowerCase()];
          if (name === undefined) {
            const literal = args.length === 1 && args[0]?.length === 1 && args[0][0]?.kind === 'string' ? args[0][0].value : undefined;
            if (upper === 'DATETIME' && literal?.toLowerCase() === 'now') {
              out.push(nowExpressions.timestamp as string);
              i = end - 1;
              break;
            }
            // datetime('1997-01-01') is the text '1997-01-01 00:00:00' in SQLite.
            const fixed = upper === 'DATETIME' && literal !== undefined ? timestampFromText(literal) : undefined;
            if (fixed !== undefined) {
              out.push(quoteLiteral(fixed));
              i = end - 1;
              break;
            }
            return { ok: false, reason: `SQLite function ${token.value}() has no exact PostgreSQL equivalent here` };
          }
          const translated: string[] = [];
          for (const arg of args) {
            const part = translateExpression(arg, mode);
            if (!part.ok) return part;
            translated.push(part.sql);
          }
          const scalar = (name === 'max' || name === 'min') && args.length > 1 ? (name === 'max' ? 'greatest' : 'least') : name;
          out.push(`${scalar}(${translated.join(', ')})`);
          i = end - 1;
          break;
        }
        if (upper === 'LIKE') out.push('ILIKE');
        else if (upper === 'GLOB' || upper === 'REGEXP' || upper === 'MATCH')
          return { ok: false, reason: `SQLite's ${upper} has no exact PostgreSQL equivalent` };
        else if (upper === 'ISNULL') out.push('IS NULL');
        else if (upper === 'NOTNULL') out.push('IS NOT NULL');
        else if (upper === 'IS') {
          const negated = isWord(next, 'NOT');
          const operand = tokens[i + (negated ? 2 : 1)];
          if (isWord(operand, 'NULL') || isWord(operand, 'TRUE') || isWord(operand, 'FALSE') || isWord(operand, 'DISTINCT')) out.push('IS');
          else {
            out.push(negated ? 'IS DISTINCT FROM' : 'IS NOT DISTINCT FROM');
            if (negated) i += 1;
          }
        } else if (upper === 'CURRENT_TIMESTAMP') out.push(nowExpressions.timestamp as string);
        else if (upper === 'CURRENT_DATE') out.push(nowExpressions.date as string);
        else if (upper === 'COLLATE') return { ok: false, reason: `COLLATE ${next?.value ?? ''} has no PostgreSQL equivalent` };
        else if (keywords.has(upper)) out.push(upper);
        else out.push(quoteIdentifier(targetName(token.value, mode)));
        break;
      }
    }
  }
  return {
    ok: true,
    sql: out
      .join(' ')
      .replace(/ ?\. ?/g, '.')
      .replace(/\( /g, '(')
      .replace(/ \)/g, ')')
      .replace(/ ,/g, ','),
  };
}

function depthAt(tokens: readonly SqlToken[], index: number): number {
  let depth = 0;
  for (let k = 0; k < index; k += 1) {
    if (tokens[k]?.text === '(') depth += 1;
    if (tokens[k]?.text === ')') depth -= 1;
  }
  return depth;
}

function castType(declared: string): string {
  switch (declaredFamily(declared)) {
    case 'integer':
      return 'bigint';
    case 'text':
      return 'text';
    case 'blob':
      return 'bytea';
    case 'real':
      return 'double precision';
    default:
      return 'numeric';
  }
}

/** A SQLite `SELECT ...` (the body of a view) for PostgreSQL. */
export function translateViewBody(createViewSql: string, mode: IdentifierMode): Translation {
  let tokens: SqlToken[];
  try {
    tokens = tokenizeSql(createViewSql);
  } catch (error) {
    return { ok: false, reason: error instanceof Error ? error.message : String(error) };
  }
  const select = tokens.findIndex((t, k) => (isWord(t, 'SELECT') || isWord(t, 'WITH') || isWord(t, 'VALUES')) && isWord(tokens[k - 1], 'AS'));
  if (select === -1) return { ok: false, reason: 'no SELECT found after AS' };
  return translateExpression(tokens.slice(select), mode);
}

const nowCalls = new Set([
  "datetime('now')",
  "datetime('now','utc')",
  "strftime('%Y-%m-%d %H:%M:%S','now')",
  "strftime('%Y-%m-%d %H:%M:%f','now')",
  "strftime('%Y-%m-%dT%H:%M:%fZ','now')",
  "strftime('%Y-%m-%dT%H:%M:%SZ','now')",
]);

/**
 * A column DEFAULT for PostgreSQL, valid for the column's type: literals converted the way values
 * are, CURRENT_TIMESTAMP and datetime('now') as the current UTC time (as SQLite stores it).
 * `sql` is '' when there is no default (DEFAULT NULL).
 */
export function translateDefault(defaultSql: string, type: TargetType, mode: IdentifierMode): Translation {
  let tokens: SqlToken[];
  try {
    tokens = tokenizeSql(defaultSql);
  } catch (error) {
    return { ok: false, reason: error instanceof Error ? error.message : String(error) };
  }
  while (tokens[0]?.text === '(' && closingParen(tokens, 0) === tokens.length) tokens = tokens.slice(1, -1);
  const refuse = (why: string): Translation => ({ ok: false, reason: `DEFAULT ${defaultSql} ${why}` });
  const compact = tokens.map((t) => (t.kind === 'word' ? t.text.toLowerCase() : t.text)).join('');
  const kind = type.kind;

  if (tokens.length === 1 && isWord(tokens[0], 'NULL')) return { ok: true, sql: '' };
  const isNow = compact === 'current_timestamp' || [...nowCalls].some((call) => call.replaceAll(' ', '') === compact.replaceAll(' ', ''));
  const isLocalNow = compact === "datetime('now','localtime')";
  const isToday = compact === 'current_date' || compact === "date('now')";
  if (isNow || isLocalNow || isToday) {
    const precise = compact.includes('%f');
    const utc = isLocalNow ? 'LOCALTIMESTAMP' : "(now() AT TIME ZONE 'utc')";
    if (kind === 'timestamp') return { ok: true, sql: isToday ? `${nowExpressions.date}::timestamp` : utc };
    if (kind === 'timestamptz') return { ok: true, sql: 'now()' };
    if (kind === 'date') return { ok: true, sql: `(${utc})::date` };
    if (kind === 'text')
      return { ok: true, sql: `to_char(${utc}, '${isToday ? 'YYYY-MM-DD' : precise ? 'YYYY-MM-DD HH24:MI:SS.MS' : 'YYYY-MM-DD HH24:MI:SS'}')` };
    return refuse(`is a time, but the column is ${type.sql}`);
  }
  if (compact === 'current_time') {
    return kind === 'text' ? { ok: true, sql: "to_char(now() AT TIME ZONE 'utc', 'HH24:MI:SS')" } : refuse(`is a time of day, but the column is ${type.sql}`);
  }

  const signed = tokens.length === 2 && (tokens[0]?.text === '-' || tokens[0]?.text === '+') && tokens[1]?.kind === 'number';
  if ((tokens.length === 1 && tokens[0]?.kind === 'number') || signed) {
    const text = tokens
      .map((t) => t.text)
      .join('')
      .replace(/^\+/, '');
    return literalDefault(text, 'number', type, refuse);
  }
  if (tokens.length === 1 && (tokens[0]?.kind === 'string' || tokens[0]?.kind === 'quoted')) return literalDefault(tokens[0].value, 'string', type, refuse);
  if (tokens.length === 1 && tokens[0]?.kind === 'blob') {
    return kind === 'bytea' ? { ok: true, sql: `'\\x${tokens[0].value.toLowerCase()}'::bytea` } : refuse(`is a blob, but the column is ${type.sql}`);
  }
  if (tokens.length === 1 && (isWord(tokens[0], 'TRUE') || isWord(tokens[0], 'FALSE'))) {
    return literalDefault(isWord(tokens[0], 'TRUE') ? '1' : '0', 'number', type, refuse);
  }
  const expression = translateExpression(tokens, mode);
  return expression.ok ? { ok: true, sql: `(${expression.sql})` } : refuse(`cannot be translated: ${expression.reason}`);
}

function literalDefault(text: string, source: 'number' | 'string', type: TargetType, refuse: (why: string) => Translation): Translation {
  const numeric = canonicalNumeric(text);
  switch (type.kind) {
    case 'smallint':
    case 'integer':
    case 'bigint': {
      if (numeric === undefined || numeric.includes('.')) return refuse(`is not a whole number, but the column is ${type.sql}`);
      return { ok: true, sql: numeric };
    }
    case 'double':
      return numeric === undefined ? refuse(`is not a number, but the column is ${type.sql}`) : { ok: true, sql: numeric };
    case 'numeric': {
      const fitted = numeric === undefined ? undefined : type.precision === undefined ? numeric : fitNumeric(numeric, type.precision, type.scale ?? 0);
      return fitted === undefined ? refuse(`does not fit ${type.sql}`) : { ok: true, sql: fitted };
    }
    case 'boolean': {
      const truth = ({ '0': 'false', '1': 'true', true: 'true', false: 'false', t: 'true', f: 'false' } as Record<string, string>)[text.toLowerCase()];
      return truth === undefined ? refuse('is not a boolean') : { ok: true, sql: truth };
    }
    case 'timestamp':
    case 'timestamptz':
    case 'date': {
      const converted =
        source === 'string'
          ? type.kind === 'date'
            ? dateFromText(text)
            : timestampFromText(text)
          : numeric !== undefined && !numeric.includes('.')
            ? timestampFromInteger(BigInt(numeric))
            : timestampFromReal(Number(text));
      if (converted === undefined) return refuse(`is not a date and time dbops can convert`);
      return { ok: true, sql: `${quoteLiteral(type.kind === 'date' ? converted.slice(0, 10) : converted)}::${type.sql}` };
    }
    case 'text':
      return { ok: true, sql: quoteLiteral(source === 'number' ? (numeric ?? text) : text) };
    case 'bytea':
      return { ok: true, sql: `'\\x${Buffer.from(text, 'utf8').toString('hex')}'::bytea` };
    case 'json':
    case 'jsonb': {
      const json = jsonbText(text);
      return json === undefined ? refuse('is not valid JSON') : { ok: true, sql: `${quoteLiteral(json)}::${type.sql}` };
    }
  }
}
