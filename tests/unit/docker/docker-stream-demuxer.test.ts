import { PassThrough, Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { describe, expect, it } from 'vitest';
import { DockerStreamDemuxer } from '../../../src/docker/docker-stream-demuxer.ts';
import { dockerFrame } from '../../support/docker-frames.ts';

const collect = () => {
  const chunks: Buffer[] = [];
  const stream = new PassThrough().on('data', (chunk: Buffer) => chunks.push(chunk));
  return { stream, text: () => Buffer.concat(chunks).toString() };
};

/** Feeds the buffer in pieces of `size` bytes, so headers and payloads straddle chunk boundaries. */
const chunked = (data: Buffer, size: number) =>
  Readable.from(Array.from({ length: Math.ceil(data.length / size) }, (_, i) => data.subarray(i * size, (i + 1) * size)));

describe('DockerStreamDemuxer', () => {
  it.each([1, 3, 7, 8, 9, 1000])('separates stdout and stderr when chunks are %i bytes', async (size) => {
    const input = Buffer.concat([dockerFrame(1, 'hello '), dockerFrame(2, 'warning\n'), dockerFrame(1, 'world'), dockerFrame(1, ''), dockerFrame(2, '한글')]);
    const out = collect();
    const err = collect();
    await pipeline(chunked(input, size), new DockerStreamDemuxer(out.stream, err.stream));
    expect(out.text()).toBe('hello world');
    expect(err.text()).toBe('warning\n한글');
  });

  it('keeps binary payloads byte for byte', async () => {
    const payload = Buffer.from(Array.from({ length: 70_000 }, (_, i) => (i * 7) % 256));
    const received: Buffer[] = [];
    const out = new PassThrough().on('data', (chunk: Buffer) => received.push(chunk));
    await pipeline(chunked(dockerFrame(1, payload), 4096), new DockerStreamDemuxer(out, new PassThrough()));
    expect(Buffer.concat(received).equals(payload)).toBe(true);
  });

  it('waits for a slow reader instead of buffering everything (backpressure)', async () => {
    let maxPending = 0;
    let pendingBytes = 0;
    const slow = new Writable({
      highWaterMark: 1024,
      write(chunk: Buffer, _encoding, callback) {
        pendingBytes += chunk.length;
        maxPending = Math.max(maxPending, pendingBytes);
        setTimeout(() => {
          pendingBytes -= chunk.length;
          callback();
        }, 1);
      },
    });
    const frames = Buffer.concat(Array.from({ length: 200 }, () => dockerFrame(1, Buffer.alloc(1024, 1))));
    await pipeline(chunked(frames, 4096), new DockerStreamDemuxer(slow, new PassThrough()));
    // Without backpressure all 200 KiB would be queued at once.
    expect(maxPending).toBeLessThan(16 * 1024);
  });

  it('fails when the stream ends inside a frame', async () => {
    const truncated = dockerFrame(1, 'complete payload').subarray(0, 12);
    await expect(pipeline(chunked(truncated, 5), new DockerStreamDemuxer(new PassThrough(), new PassThrough()))).rejects.toThrow(/ended inside a frame/);
  });

  it('fails instead of waiting for ever when its output failed (a file that could not be written)', async () => {
    const broken = new Writable({ write: (_chunk, _encoding, callback) => process.nextTick(callback, new Error('ENOSPC: no space left on device')) });
    broken.on('error', () => undefined);
    async function* slowly() {
      for (const text of ['first', 'second', 'third']) {
        yield dockerFrame(1, text);
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
    }
    await expect(pipeline(Readable.from(slowly()), new DockerStreamDemuxer(broken, new PassThrough()))).rejects.toThrow(/ENOSPC/);
  });
});
