import { Writable } from 'node:stream';
import { readQualifiedName, type QualifiedName } from './sql-identifier.ts';
import type { TableRows } from './table-row-counts.ts';

const newline = 0x0a;
const endOfData = Buffer.from('\\.');
/** Lines outside COPY data longer than this are SQL we do not need to read (function bodies, comments). */
const maxStatementLine = 4 * 1024 * 1024;

/**
 * Counts the rows of every table in the SQL script pg_restore writes (`pg_restore -f -`): each
 * `COPY <table> (...) FROM stdin;` line is followed by one line per row and a `\.` line (COPY text
 * format escapes newlines inside values, so a row is exactly one line and never `\.`). Streams in
 * constant memory whatever the size of the data.
 */
export class CopyRowCounter extends Writable {
  private readonly tables: TableRows[] = [];
  private copying: { table: QualifiedName; rows: number } | undefined;
  /** Outside COPY data: the current line so far (bounded). Inside: only its first bytes matter. */
  private lineStart: Buffer[] = [];
  private lineLength = 0;
  private unterminated: string | undefined;

  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    let offset = 0;
    while (offset < chunk.length) {
      const end = chunk.indexOf(newline, offset);
      const stop = end < 0 ? chunk.length : end;
      this.append(chunk.subarray(offset, stop));
      if (end < 0) break;
      this.endLine();
      offset = end + 1;
    }
    callback();
  }

  override _final(callback: (error?: Error | null) => void): void {
    if (this.lineLength > 0) this.endLine();
    if (this.copying) this.unterminated = tableText(this.copying.table);
    callback();
  }

  /** Rows per table in the order the script had them; call after the stream finished. */
  result(): { tables: readonly TableRows[]; unterminated: string | undefined } {
    return { tables: [...this.tables], unterminated: this.unterminated };
  }

  private append(piece: Buffer): void {
    if (piece.length === 0) return;
    // Inside COPY data a line only has to be compared with `\.`; outside, COPY lines are read whole.
    const keep = this.copying ? endOfData.length + 1 : maxStatementLine;
    if (this.lineLength < keep) this.lineStart.push(piece.subarray(0, keep - this.lineLength));
    this.lineLength += piece.length;
  }

  private endLine(): void {
    const line = Buffer.concat(this.lineStart);
    const length = this.lineLength;
    this.lineStart = [];
    this.lineLength = 0;
    if (this.copying) {
      if (length === endOfData.length && line.equals(endOfData)) {
        this.tables.push({ ...this.copying.table, rows: this.copying.rows });
        this.copying = undefined;
      } else {
        this.copying.rows += 1;
      }
      return;
    }
    if (length > maxStatementLine || line[0] !== 0x43 /* C */) return;
    const table = parseCopyStatement(line.toString('utf8'));
    if (table) this.copying = { table, rows: 0 };
  }
}

/** The table of a `COPY <table> [(<columns>)] FROM stdin;` line, or undefined for any other line. */
export function parseCopyStatement(line: string): QualifiedName | undefined {
  if (!line.startsWith('COPY ') || !line.endsWith(' FROM stdin;')) return undefined;
  const parsed = readQualifiedName(line, 'COPY '.length);
  if (!parsed) return undefined;
  const rest = line.slice(parsed.end);
  return /^ (\(.*\) | )FROM stdin;$/s.test(rest) ? parsed.name : undefined;
}

function tableText(table: QualifiedName): string {
  return table.schema ? `${table.schema}.${table.name}` : table.name;
}
