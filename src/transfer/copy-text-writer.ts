/** COPY's escape letter for each byte that has one (\b \t \n \v \f \r \\), 0 for the others. */
const escapeLetters = new Uint8Array(93);
for (const [byte, letter] of [
  [8, 'b'],
  [9, 't'],
  [10, 'n'],
  [11, 'v'],
  [12, 'f'],
  [13, 'r'],
  [92, '\\'],
] as const)
  escapeLetters[byte] = letter.charCodeAt(0);

/**
 * Builds PostgreSQL COPY text (tab-separated, `\N` for NULL, backslash escapes) straight into large
 * Buffers. Chunks are handed out whole and never reused, so memory stays at about one chunk plus
 * the largest value, whatever the size of the table.
 */
export class CopyTextWriter {
  private chunk: Buffer;
  private position = 0;

  constructor(private readonly chunkSize = 1 << 20) {
    this.chunk = Buffer.allocUnsafe(chunkSize);
  }

  /** Bytes written since the last take(). */
  get length(): number {
    return this.position;
  }

  /** The bytes written so far, as a Buffer the caller owns; the writer starts a fresh chunk. */
  take(): Buffer {
    const full = this.chunk.subarray(0, this.position);
    this.chunk = Buffer.allocUnsafe(this.chunkSize);
    this.position = 0;
    return full;
  }

  /** Rewinds to a mark (from `length`): drops a row that could not be encoded. */
  rewind(mark: number): void {
    this.position = mark;
  }

  /** The row's bytes from a mark to the current position (a view, valid until the next write). */
  since(mark: number): Buffer {
    return this.chunk.subarray(mark, this.position);
  }

  byte(value: number): void {
    this.ensure(1);
    this.chunk[this.position] = value;
    this.position += 1;
  }

  null(): void {
    this.ensure(2);
    this.chunk[this.position] = 92;
    this.chunk[this.position + 1] = 78;
    this.position += 2;
  }

  /** Text known to hold only ASCII that needs no escaping: numbers, times, hex. */
  ascii(text: string): void {
    this.ensure(text.length);
    this.position += this.chunk.write(text, this.position, 'latin1');
  }

  /** Bytes that are COPY text already (a slice of a batch SQLite built). */
  raw(bytes: Buffer, start = 0, end = bytes.length): void {
    this.ensure(end - start);
    this.position += bytes.copy(this.chunk, this.position, start, end);
  }

  /** A string written as UTF-8, with COPY's escapes (same bytes as `escaped(Buffer.from(text))`, without the copy when it needs none). */
  escapedText(text: string): boolean {
    // eslint-disable-next-line no-control-regex
    if (/[\u0000\b-\r\\]/.test(text)) return this.escaped(Buffer.from(text, 'utf8'));
    this.ensure(text.length * 3);
    this.position += this.chunk.write(text, this.position, 'utf8');
    return true;
  }

  /** `\\x` and lowercase hex: bytea as PostgreSQL prints it, escaped for COPY. */
  bytea(bytes: Buffer): void {
    this.ensure(3 + bytes.length * 2);
    this.chunk[this.position] = 92;
    this.chunk[this.position + 1] = 92;
    this.chunk[this.position + 2] = 120;
    this.position += 3;
    this.position += this.chunk.write(bytes.toString('hex'), this.position, 'latin1');
  }

  /**
   * UTF-8 bytes with COPY's escapes, the same ones PostgreSQL writes on COPY TO. Returns false,
   * writing nothing useful, when the bytes hold a NUL (PostgreSQL text cannot).
   */
  escaped(bytes: Buffer): boolean {
    const n = bytes.length;
    this.ensure(n * 2);
    const out = this.chunk;
    let p = this.position;
    for (let i = 0; i < n; i += 1) {
      const b = bytes[i] as number;
      if (b > 13 && b !== 92) {
        out[p++] = b;
        continue;
      }
      if (b === 0) return false;
      const letter = escapeLetters[b] as number;
      if (letter === 0) {
        out[p++] = b;
        continue;
      }
      out[p++] = 92;
      out[p++] = letter;
    }
    this.position = p;
    return true;
  }

  private ensure(bytes: number): void {
    if (this.position + bytes <= this.chunk.length) return;
    const bigger = Buffer.allocUnsafe(Math.max(this.chunk.length * 2, this.position + bytes));
    this.chunk.copy(bigger, 0, 0, this.position);
    this.chunk = bigger;
  }
}
