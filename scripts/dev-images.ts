/**
 * `make dev-images`, run by the development targets before the stack starts: makes sure the
 * development stack's images are on this machine. Present: nothing to do. Missing: pulled. When
 * they cannot be pulled (no registry answers), the local stand-ins of scripts/offline-images.ts are
 * built (or reused) and selected for this machine in the git-ignored .env.development.local, so
 * every later development command uses them; delete those two lines to use the official images
 * again. Images set in the process environment are never replaced, and production's never are.
 *
 *   npx tsx scripts/dev-images.ts
 */
import { existsSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import Docker from 'dockerode';
import { updateEnvFile } from '../src/config/env-file-edit.ts';
import { loadConfig } from '../src/config/load-config.ts';
import { DockerodeRuntime } from '../src/docker/dockerode-runtime.ts';
import { ensureImages } from '../src/docker/ensure-images.ts';
import { main as buildOfflineImages, offlineImages } from './offline-images.ts';

// The project whose stack this is: DBOPS_PROJECT_DIR as for the CLI, else this checkout.
const repoRoot = process.env.DBOPS_PROJECT_DIR ?? path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const standIns = Object.freeze({ POSTGRES_IMAGE: offlineImages.postgres, NODE_IMAGE: offlineImages.node });
const localFile = path.join(repoRoot, '.env.development.local');

async function main(): Promise<number> {
  const config = loadConfig({ environment: 'development', rootDir: repoRoot, env: process.env });
  const runtime = new DockerodeRuntime(new Docker());
  await runtime.ping();
  const wanted = { POSTGRES_IMAGE: config.images.postgres, NODE_IMAGE: config.images.node };
  const unavailable = await ensureImages(runtime, Object.values(wanted));
  if (unavailable.length === 0) {
    console.log(`dev-images: ${Object.values(wanted).join(' and ')} are on this machine.`);
    return 0;
  }
  const missing = unavailable.map((u) => `${u.image} (${u.reason})`).join('; ');
  const fromEnvironment = (Object.keys(wanted) as (keyof typeof wanted)[]).filter((key) => config.sources[key] === 'the environment');
  if (fromEnvironment.length > 0) {
    console.error(
      `dev-images: ${fromEnvironment.join(' and ')} come from the environment, and these images are not on this machine and could not be pulled: ${missing}. ` +
        `Build them, or set images this machine has (\`make offline-images\` builds ${offlineImages.postgres} and ${offlineImages.node}).`,
    );
    return 1;
  }
  console.log(
    `dev-images: could not pull ${missing}. Building (or reusing) the local stand-ins ${Object.values(standIns).join(' and ')} ` +
      'and selecting them for this machine in .env.development.local.',
  );
  const built = await buildOfflineImages([]);
  if (built !== 0) {
    console.error(
      'dev-images: the stand-ins could not be built either (see above). Make the registry reachable, or fix what the build reported, and run again.',
    );
    return built;
  }
  if (!existsSync(localFile)) {
    writeFileSync(localFile, "# This machine's overrides of .env.development (git-ignored).\n", { mode: 0o600 });
  }
  updateEnvFile(localFile, standIns);
  console.log(`dev-images: ${localFile} now selects ${Object.values(standIns).join(' and ')}; delete those lines to use the official images.`);
  return 0;
}

try {
  process.exitCode = await main();
} catch (error) {
  console.error(`dev-images: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
}
