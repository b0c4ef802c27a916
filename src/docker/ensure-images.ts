import type { ContainerRuntime } from './container-runtime.ts';

export interface UnavailableImage {
  readonly image: string;
  /** Why the pull failed, as the engine said it. */
  readonly reason: string;
}

/**
 * Makes sure every image is on this machine: present ones are left alone, missing ones are pulled.
 * Returns the images that are still missing, with the engine's reason, instead of throwing, so the
 * caller can decide what to use instead.
 */
export async function ensureImages(runtime: Pick<ContainerRuntime, 'imageExists' | 'pullImage'>, images: readonly string[]): Promise<UnavailableImage[]> {
  const unavailable: UnavailableImage[] = [];
  for (const image of new Set(images)) {
    if (await runtime.imageExists(image)) continue;
    try {
      await runtime.pullImage(image);
    } catch (error) {
      unavailable.push({ image, reason: (error instanceof Error ? error.message : String(error)).trim() });
    }
  }
  return unavailable;
}
