import { once } from 'node:events';
import { Writable } from 'node:stream';

const headerLength = 8;

/**
 * Splits Docker's multiplexed attach stream (8-byte header: stream type, 3 zero bytes, payload
 * length as uint32 big-endian) into stdout and stderr. Unlike dockerode's demuxStream it honours
 * backpressure: a chunk is acknowledged only once both targets accepted their part, so a
 * multi-gigabyte pg_dump never piles up in memory. The targets are not ended here.
 */
export class DockerStreamDemuxer extends Writable {
  private header = Buffer.alloc(0);
  private remaining = 0;
  private target: Writable | undefined;

  constructor(
    private readonly stdout: Writable,
    private readonly stderr: Writable,
  ) {
    super();
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    this.consume(chunk)
      .then(() => callback())
      .catch((error: unknown) => callback(error instanceof Error ? error : new Error(String(error))));
  }

  override _final(callback: (error?: Error | null) => void): void {
    if (this.header.length > 0 || this.remaining > 0) {
      callback(new Error(`Docker stream ended inside a frame (${this.remaining} payload bytes missing)`));
      return;
    }
    callback();
  }

  private async consume(chunk: Buffer): Promise<void> {
    let offset = 0;
    while (offset < chunk.length) {
      if (this.remaining === 0) {
        const needed = headerLength - this.header.length;
        this.header = Buffer.concat([this.header, chunk.subarray(offset, offset + needed)]);
        offset += Math.min(needed, chunk.length - offset);
        if (this.header.length < headerLength) return;
        const type = this.header[0];
        this.remaining = this.header.readUInt32BE(4);
        this.header = Buffer.alloc(0);
        // 0 is stdin echoed back, 1 stdout, 2 stderr; anything unknown goes with stderr rather than being lost.
        this.target = type === 1 ? this.stdout : this.stderr;
        continue;
      }
      const take = Math.min(this.remaining, chunk.length - offset);
      const payload = chunk.subarray(offset, offset + take);
      offset += take;
      this.remaining -= take;
      await writeWithBackpressure(this.target ?? this.stderr, payload);
    }
  }
}

async function writeWithBackpressure(stream: Writable, data: Buffer): Promise<void> {
  // events.once rejects if the target emits 'error' while we wait.
  if (!stream.write(data)) await once(stream, 'drain');
}
