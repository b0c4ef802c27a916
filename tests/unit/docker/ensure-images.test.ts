import { describe, expect, it } from 'vitest';
import { ensureImages } from '../../../src/docker/ensure-images.ts';

/** An engine that has `present` and can pull `pullable`; records what it was asked to pull. */
function engine(present: readonly string[], pullable: readonly string[]) {
  const pulled: string[] = [];
  return {
    pulled,
    imageExists: async (name: string) => present.includes(name) || pulled.includes(name),
    pullImage: async (name: string) => {
      if (!pullable.includes(name)) throw new Error(`(HTTP code 500) server error - Get "https://registry.example/v2/": no such host `);
      pulled.push(name);
    },
  };
}

describe('ensureImages', () => {
  it('leaves images that are present alone and pulls nothing', async () => {
    const runtime = engine(['postgres:16', 'node:20'], []);
    expect(await ensureImages(runtime, ['postgres:16', 'node:20'])).toEqual([]);
    expect(runtime.pulled).toEqual([]);
  });

  it('pulls the missing ones, once each', async () => {
    const runtime = engine(['postgres:16'], ['node:20']);
    expect(await ensureImages(runtime, ['postgres:16', 'node:20', 'node:20'])).toEqual([]);
    expect(runtime.pulled).toEqual(['node:20']);
  });

  it("reports every image that could not be pulled, with the engine's reason", async () => {
    const runtime = engine([], ['node:20']);
    expect(await ensureImages(runtime, ['postgres:16', 'node:20', 'redis:7'])).toEqual([
      { image: 'postgres:16', reason: '(HTTP code 500) server error - Get "https://registry.example/v2/": no such host' },
      { image: 'redis:7', reason: '(HTTP code 500) server error - Get "https://registry.example/v2/": no such host' },
    ]);
  });
});
