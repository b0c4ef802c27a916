import { createHash, type Hash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { Transform, type TransformCallback } from 'node:stream';
import { pipeline } from 'node:stream/promises';

/** Passes bytes through unchanged while counting them and computing their SHA-256. */
export class DigestingStream extends Transform {
  private readonly hash: Hash = createHash('sha256');
  bytes = 0;

  constructor(private readonly onBytes?: (bytes: number) => void) {
    // Large buffers: fewer backpressure round trips between the exec connection and the file.
    super({ highWaterMark: 1024 * 1024 });
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.hash.update(chunk);
    this.bytes += chunk.length;
    this.onBytes?.(this.bytes);
    callback(null, chunk);
  }

  /** The hex digest; call once, after the stream ended. */
  digest(): string {
    return this.hash.digest('hex');
  }
}

/** SHA-256 of a file, read as a stream. */
export async function sha256File(file: string, onBytes?: (bytes: number) => void): Promise<string> {
  const digesting = new DigestingStream(onBytes);
  digesting.resume();
  await pipeline(createReadStream(file), digesting);
  return digesting.digest();
}
