import { createHash } from 'node:crypto';
import { write } from 'node:fs';
import { Writable } from 'node:stream';
import { promisify } from 'node:util';

const blockBytes = 1024 * 1024;
const writeFd = promisify(write);

/**
 * Where a dump's bytes go: gathered into 1 MiB blocks, each hashed (SHA-256) and written to the
 * file descriptor with one system call. pg_dump's output arrives in chunks of a few KiB; a write
 * and a hash update per chunk cost CPU that pg_dump and the server, which keep both cores of a
 * small machine busy, then miss. Backpressure: a chunk is acknowledged once its block is written.
 * Progress (`onBytes`) is reported per block written, off the per-chunk path.
 */
export class ArchiveFileSink extends Writable {
  private block = Buffer.allocUnsafe(blockBytes);
  private used = 0;
  private readonly hash = createHash('sha256');
  bytes = 0;
  private written = 0;

  constructor(
    private readonly fd: number,
    private readonly onBytes?: (bytes: number) => void,
  ) {
    super({ highWaterMark: blockBytes });
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    this.bytes += chunk.length;
    const full: Buffer[] = [];
    for (let offset = 0; offset < chunk.length;) {
      const copied = chunk.copy(this.block, this.used, offset);
      offset += copied;
      this.used += copied;
      if (this.used === blockBytes) {
        full.push(this.block);
        this.block = Buffer.allocUnsafe(blockBytes);
        this.used = 0;
      }
    }
    if (full.length === 0) {
      callback();
      return;
    }
    this.writeBlocks(full).then(() => callback(), callback);
  }

  override _final(callback: (error?: Error | null) => void): void {
    this.writeBlocks([this.block.subarray(0, this.used)]).then(() => callback(), callback);
  }

  /** The hex SHA-256 of every byte written; call once, after the stream finished. */
  digest(): string {
    return this.hash.digest('hex');
  }

  private async writeBlocks(blocks: readonly Buffer[]): Promise<void> {
    for (const block of blocks) {
      this.hash.update(block);
      // write(2) may take less than asked (a full disk shows up here as an error on the next call).
      for (let offset = 0; offset < block.length;) offset += (await writeFd(this.fd, block, offset, block.length - offset)).bytesWritten;
      this.written += block.length;
      this.onBytes?.(this.written);
    }
  }
}
