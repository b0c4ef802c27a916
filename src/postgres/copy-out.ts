/**
 * `COPY ... TO STDOUT` read straight off the connection's socket, for reads of whole tables
 * (verification). PostgreSQL sends one CopyData message per row; pg-copy-streams turns each into a
 * Buffer and joins them again per socket read, which for a million short rows cost as much CPU as
 * hashing them. This parser copies each message's payload into one reused buffer and hands it on
 * when full, so the consumer sees the COPY text in large pieces and nothing per row is allocated.
 */

/** The parts of node-postgres' connection a submittable query uses. */
interface PgConnection {
  readonly stream: NodeJS.EventEmitter;
  query(text: string): void;
}

const copyData = 0x64; // 'd'
const copyOutResponse = 0x48; // 'H'
const copyDone = 0x63; // 'c'
// Messages the server may send between the others during COPY; nothing here needs them.
const ignorable = new Set([copyOutResponse, 0x4e /* NoticeResponse */, 0x53 /* ParameterStatus */, 0x41 /* NotificationResponse */]);
const pieceBytes = 1 << 20;

/**
 * A query object for node-postgres' `client.query(submittable)`. Resolves with the row count the
 * server reports; `onData` gets the COPY text in order, in pieces valid only during the call (it
 * runs inside the socket's data event, so it must not throw).
 */
export class CopyOutQuery {
  readonly done: Promise<number>;
  private resolve!: (rows: number) => void;
  private reject!: (error: Error) => void;
  private rows = 0;
  private failure: Error | undefined;
  private readonly header = Buffer.alloc(5);
  private headerLength = 0;
  private code = 0;
  /** Bytes of the current message still to come. */
  private remaining = 0;
  private readonly piece = Buffer.allocUnsafe(pieceBytes);
  private pieceLength = 0;
  private stream: NodeJS.EventEmitter | undefined;
  private driverListener: ((chunk: Buffer) => void) | undefined;
  private readonly listener = (chunk: Buffer) => this.read(chunk);

  constructor(
    readonly text: string,
    private readonly onData: (bytes: Buffer) => void,
  ) {
    this.done = new Promise((resolve, reject) => {
      this.resolve = resolve;
      this.reject = reject;
    });
  }

  /** Called by node-postgres with the connection: takes over the socket's data, then sends the query. */
  submit(connection: PgConnection): void {
    const listeners = connection.stream.listeners('data') as ((chunk: Buffer) => void)[];
    if (listeners.length !== 1) throw new Error(`COPY TO: expected the driver's one socket reader, found ${listeners.length}`);
    this.stream = connection.stream;
    this.driverListener = listeners[0];
    this.stream.removeListener('data', this.driverListener as (chunk: Buffer) => void);
    this.stream.on('data', this.listener);
    connection.query(this.text);
  }

  handleCommandComplete(message: { text?: string }): void {
    const match = /^COPY (\d+)/.exec(message.text ?? '');
    if (match) this.rows = Number(match[1]);
  }

  handleError(error: Error): void {
    this.failure ??= error;
    // A connection that dies mid-COPY gets no ReadyForQuery: settle now.
    this.giveBack(Buffer.alloc(0));
    this.reject(error);
  }

  handleReadyForQuery(): void {
    if (this.failure) this.reject(this.failure);
    else this.resolve(this.rows);
  }

  private read(chunk: Buffer): void {
    let position = 0;
    while (position < chunk.length) {
      if (this.remaining === 0) {
        // A message header: one code byte and a length that counts itself.
        const take = Math.min(5 - this.headerLength, chunk.length - position);
        chunk.copy(this.header, this.headerLength, position, position + take);
        this.headerLength += take;
        position += take;
        if (this.headerLength < 5) return;
        this.headerLength = 0;
        this.code = this.header[0] as number;
        this.remaining = this.header.readUInt32BE(1) - 4;
        if (this.code !== copyData && !ignorable.has(this.code)) {
          // CopyDone (no payload), an error, or anything else: the driver reads on from here.
          this.remaining = 0;
          this.giveBack(this.code === copyDone ? chunk.subarray(position) : Buffer.concat([this.header, chunk.subarray(position)]));
          return;
        }
        continue;
      }
      const take = Math.min(this.remaining, chunk.length - position);
      if (this.code === copyData) this.append(chunk, position, position + take);
      this.remaining -= take;
      position += take;
    }
  }

  private append(chunk: Buffer, start: number, end: number): void {
    if (this.pieceLength + (end - start) > pieceBytes) this.flush();
    if (end - start > pieceBytes) {
      this.onData(chunk.subarray(start, end));
      return;
    }
    chunk.copy(this.piece, this.pieceLength, start, end);
    this.pieceLength += end - start;
  }

  private flush(): void {
    if (this.pieceLength === 0) return;
    const length = this.pieceLength;
    this.pieceLength = 0;
    this.onData(this.piece.subarray(0, length));
  }

  /** Hands the socket back to the driver, with what it must parse next. */
  private giveBack(rest: Buffer): void {
    const stream = this.stream;
    const driver = this.driverListener;
    if (!stream || !driver) return;
    this.stream = undefined;
    this.driverListener = undefined;
    try {
      this.flush();
    } catch (error) {
      this.failure ??= error instanceof Error ? error : new Error(String(error));
    }
    stream.removeListener('data', this.listener);
    stream.on('data', driver);
    if (rest.length > 0) driver(rest);
  }
}
