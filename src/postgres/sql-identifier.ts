/** A schema-qualified table name as pg_dump prints it: `public.sessions`, `"My Schema"."odd ""name"""`. */
export interface QualifiedName {
  readonly schema: string;
  readonly name: string;
}

/**
 * Reads one identifier (quoted or not) at `start`. Returns it unquoted and where it ended, or
 * undefined when `text` holds none there. Unquoted identifiers are taken as written: pg_dump quotes
 * every name that is not already a plain lower-case one.
 */
export function readIdentifier(text: string, start: number): { value: string; end: number } | undefined {
  if (text[start] === '"') {
    let value = '';
    let index = start + 1;
    for (;;) {
      const quote = text.indexOf('"', index);
      if (quote < 0) return undefined;
      value += text.slice(index, quote);
      if (text[quote + 1] === '"') {
        value += '"';
        index = quote + 2;
        continue;
      }
      return { value, end: quote + 1 };
    }
  }
  const match = /^[^\s."(),;]+/.exec(text.slice(start));
  return match ? { value: match[0], end: start + match[0].length } : undefined;
}

/** Parses `schema.table` at `start`; a bare name has the schema "". */
export function readQualifiedName(text: string, start: number): { name: QualifiedName; end: number } | undefined {
  const first = readIdentifier(text, start);
  if (!first) return undefined;
  if (text[first.end] !== '.') return { name: { schema: '', name: first.value }, end: first.end };
  const second = readIdentifier(text, first.end + 1);
  if (!second) return undefined;
  return { name: { schema: first.value, name: second.value }, end: second.end };
}

/** `schema.name` for messages, quoted only where a reader would otherwise misread it. */
export function displayName(table: QualifiedName): string {
  const show = (part: string) => (/^[a-z_][a-z0-9_$]*$/.test(part) ? part : `"${part.replaceAll('"', '""')}"`);
  return table.schema ? `${show(table.schema)}.${show(table.name)}` : show(table.name);
}
