import Docker from 'dockerode';
import { offlineImages } from '../../scripts/offline-images.ts';
import { DockerodeRuntime } from '../../src/docker/dockerode-runtime.ts';

export type DockerForTests =
  | { readonly ready: true; readonly runtime: DockerodeRuntime; readonly images: { readonly postgres: string; readonly node: string } }
  | { readonly ready: false; readonly reason: string };

/**
 * Decides whether the end-to-end tests can run. In CI a missing engine or image is a failure, never
 * a skip; elsewhere the tests skip and say why. Images must already be local: tests never pull.
 */
export async function dockerForTests(env: NodeJS.ProcessEnv = process.env): Promise<DockerForTests> {
  const images = { postgres: env.POSTGRES_IMAGE ?? offlineImages.postgres, node: env.NODE_IMAGE ?? offlineImages.node };
  const runtime = new DockerodeRuntime(new Docker());
  let reason: string | undefined;
  try {
    await runtime.ping();
    const missing = [];
    for (const image of [images.postgres, images.node]) if (!(await runtime.imageExists(image))) missing.push(image);
    if (missing.length > 0) reason = `image(s) ${missing.join(', ')} are not built locally (run \`make offline-images\`; tests never pull)`;
  } catch (error) {
    reason = error instanceof Error ? error.message : String(error);
  }
  if (reason === undefined) return { ready: true, runtime, images };
  if (env.CI) throw new Error(`CI requires the Docker engine for end-to-end tests, and it is not usable: ${reason}`);
  console.warn(`Skipping end-to-end tests: ${reason}`);
  return { ready: false, reason };
}
