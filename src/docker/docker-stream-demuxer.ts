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
    this.consume(chunk, 0, callback);
  }

  override _final(callback: (error?: Error | null) => void): void {
    if (this.header.length > 0 || this.remaining > 0) {
      callback(new Error(`Docker stream ended inside a frame (${this.remaining} payload bytes missing)`));
      return;
    }
    callback();
  }

  /**
   * Hands the chunk's payloads to their targets from `offset` on. Synchronous while the targets
   * accept data (the usual case: one call per chunk); when one pushes back, resumes after its
   * 'drain' and only then acknowledges the chunk.
   */
  private consume(chunk: Buffer, offset: number, callback: (error?: Error | null) => void): void {
    while (offset < chunk.length) {
      if (this.remaining === 0) {
        const needed = headerLength - this.header.length;
        this.header = Buffer.concat([this.header, chunk.subarray(offset, offset + needed)]);
        offset += Math.min(needed, chunk.length - offset);
        if (this.header.length < headerLength) break;
        const type = this.header[0];
        this.remaining = this.header.readUInt32BE(4);
        this.header = Buffer.alloc(0);
        // 0 is stdin echoed back, 1 stdout, 2 stderr; anything unknown goes with stderr rather than being lost.
        this.target = type === 1 ? this.stdout : this.stderr;
        continue;
      }
      const take = Math.min(this.remaining, chunk.length - offset);
      const target = this.target ?? this.stderr;
      if (target.destroyed) {
        // A target that failed (a full disk) emits no 'drain' any more: waiting would hang.
        callback(target.errored ?? new Error('the output stream was closed before the command finished'));
        return;
      }
      const accepted = target.write(chunk.subarray(offset, offset + take));
      offset += take;
      this.remaining -= take;
      if (!accepted) {
        // events.once rejects if the target emits 'error' while we wait.
        once(target, 'drain').then(
          () => this.consume(chunk, offset, callback),
          (error: unknown) => callback(error instanceof Error ? error : new Error(String(error))),
        );
        return;
      }
    }
    callback();
  }
}
