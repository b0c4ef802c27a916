/**
 * Builds the local stand-ins for the official images, so that the stack and its tests run where
 * no image registry can be reached (nothing is ever pulled):
 *
 *   dbops-offline/base:bookworm   debootstrapped Debian bookworm (minbase + postgresql-15)
 *   dbops-offline/postgres:15     deployment/postgres/Dockerfile.offline on top of the base
 *   dbops-offline/node:20         deployment/node/Dockerfile.offline, with the host's Node 20
 *
 * An image is reused when it exists and carries the input hash it was built from (the
 * Dockerfile, the entrypoint, the base recipe, the node binary); otherwise, or with --force, it
 * is rebuilt. Building the base needs root, debootstrap and the Debian mirror that this
 * machine's apt sources name (read at run time; no host name lives in the repository).
 *
 *   npx tsx scripts/offline-images.ts [--force] [--verbose] [--mirror URL] [--node-binary PATH]
 */
import { createHash } from 'node:crypto';
import { chmod, copyFile, mkdir, mkdtemp, readFile, readdir, realpath, rm, stat, writeFile } from 'node:fs/promises';
import { dirname, join, resolve, sep } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { $, ProcessOutput, type Shell } from 'zx';
import { seconds } from '../src/common/seconds.ts';
import { parseDeb822Sources, parseOneLineSources, pickMirror, type AptSource } from './lib/apt-sources.ts';

const SUITE = 'bookworm';
const BASE_IMAGE = 'dbops-offline/base:bookworm';
const POSTGRES_IMAGE = 'dbops-offline/postgres:15';
const NODE_IMAGE = 'dbops-offline/node:20';
/** The stand-ins' names, for whatever selects them (make dev-images, the end-to-end tests). */
export const offlineImages = Object.freeze({ postgres: POSTGRES_IMAGE, node: NODE_IMAGE });
const INPUTS_LABEL = 'dbops.offline.inputs';
const DEFAULT_NODE_BINARY = '/usr/bin/node';

/**
 * Everything that shapes the base root filesystem. Its hash labels the base image, so changing
 * any of it rebuilds the base (and, through their own hashes, the images on top).
 */
const BASE_RECIPE = Object.freeze({
  suite: SUITE,
  variant: 'minbase',
  // postgresql-15 pulls in postgresql-client-15 and locales; locales is named because the
  // entrypoint's en_US.utf8 (the official image's default) is generated from it. util-linux's
  // setpriv (Essential, so already in minbase) drops to the postgres user: no gosu needed.
  include: ['postgresql-15', 'locales'],
  locale: { input: 'en_US', charmap: 'UTF-8', name: 'en_US.UTF-8' },
  // Debian's postinst creates and registers a "main" cluster; the entrypoint makes its own.
  removePaths: ['var/lib/postgresql/15', 'etc/postgresql/15'],
  emptyDirs: [
    { dir: 'var/cache/apt', keep: ['archives'] },
    { dir: 'var/cache/apt/archives', keep: ['partial', 'lock'] },
    { dir: 'var/lib/apt/lists', keep: ['partial', 'lock'] },
    { dir: 'usr/share/doc', keep: [] },
    { dir: 'usr/share/man', keep: [] },
    { dir: 'usr/share/info', keep: [] },
    { dir: 'usr/share/i18n', keep: [] }, // only needed to generate locales, done above
    { dir: 'usr/share/locale', keep: ['locale.alias'] }, // message catalogues: English only
    { dir: 'var/log/apt', keep: [] },
    { dir: 'var/log/postgresql', keep: [] },
  ],
  removeFiles: [
    'var/log/dpkg.log',
    'var/log/alternatives.log',
    'var/log/bootstrap.log',
    'var/cache/debconf/config.dat-old',
    'var/cache/debconf/templates.dat-old',
  ],
  // debootstrap copies these from the host; docker supplies its own at run time.
  blankFiles: ['etc/hostname', 'etc/resolv.conf'],
  imageChanges: ['ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin', 'ENV LANG=en_US.utf8', 'CMD ["bash"]'],
});

interface CliOptions {
  readonly force: boolean;
  readonly verbose: boolean;
  readonly mirror: string | undefined;
  readonly nodeBinary: string;
}

/** A failure the user can act on: what failed, and what to do about it. */
class OfflineImagesError extends Error {
  override readonly name = 'OfflineImagesError';
  /** The tail of the failed command's output, shown under the message. */
  readonly details: string | undefined;
  constructor(
    readonly step: string,
    readonly hint: string,
    options?: { cause?: unknown; details?: string | undefined },
  ) {
    super(`${step} failed`, options?.cause === undefined ? undefined : { cause: options.cause });
    this.details = options?.details;
  }
}

// ---------------------------------------------------------------------------------------------
// Pure helpers (exported so they can be unit-tested without Docker or root)

/** A stable hash over the inputs of one image. */
export function inputsHash(parts: readonly (string | Buffer)[]): string {
  const hash = createHash('sha256');
  for (const part of parts) {
    hash.update(String(Buffer.byteLength(part)));
    hash.update(':');
    hash.update(part);
  }
  return hash.digest('hex').slice(0, 32);
}

/** The last `count` non-empty lines of a process's output, for error messages. */
export function tailLines(text: string, count: number): string {
  return text
    .split(/\r?\n/)
    .filter((l) => l.trim() !== '')
    .slice(-count)
    .join('\n');
}

/** The one-paragraph message printed when the script fails. */
export function formatFailure(error: unknown): string {
  if (error instanceof OfflineImagesError) {
    const cause = error.cause instanceof ProcessOutput ? ` (exit code ${error.cause.exitCode ?? error.cause.signal ?? '?'})` : '';
    const why = error.cause instanceof Error && !(error.cause instanceof ProcessOutput) ? `: ${error.cause.message}` : '';
    const details = error.details !== undefined && error.details.trim() !== '' ? `\n\nLast lines of output:\n${error.details}` : '';
    return `offline-images: ${error.step} failed${cause}${why}. ${error.hint}${details}`;
  }
  const message = error instanceof Error ? error.message : String(error);
  return `offline-images: unexpected failure: ${message}. Run again with --verbose to see every command's output.`;
}

function megabytes(bytes: number): string {
  return `${Math.round(bytes / 1e6)} MB`;
}

// ---------------------------------------------------------------------------------------------
// Effects

interface Context {
  readonly sh: Shell;
  readonly options: CliOptions;
  readonly repoRoot: string;
  readonly buildRoot: string;
  readonly log: (line: string) => void;
}

interface ImageState {
  readonly id: string;
  readonly size: number;
  readonly inputs: string | undefined;
}

interface FinalImage {
  readonly name: string;
  readonly inputs: string;
  /** Files copied into a fresh build context: [source path, name in the context, mode]. */
  readonly contextFiles: readonly (readonly [string, string, number])[];
  readonly buildArgs: Readonly<Record<string, string>>;
}

async function checkDocker(sh: Shell): Promise<string> {
  try {
    const out = await sh`docker version --format '{{.Server.Version}}'`;
    return out.stdout.trim();
  } catch (error) {
    throw new OfflineImagesError(
      'reaching the Docker engine',
      'The docker client is missing or no engine answers on its socket. Install docker.io and start the engine (as ' +
        'root: `dockerd >/var/log/dockerd.log 2>&1 &`, then wait until `docker info` succeeds), or point DOCKER_HOST at ' +
        'a running engine, then run this script again.',
      { cause: error, details: error instanceof ProcessOutput ? tailLines(error.stderr, 5) : undefined },
    );
  }
}

/** Inspects several images in one call; missing ones are simply absent from the result. */
async function inspectImages(sh: Shell, names: readonly string[]): Promise<Map<string, ImageState>> {
  const out = await sh({ nothrow: true })`docker image inspect ${names}`;
  const found = new Map<string, ImageState>();
  let parsed: unknown;
  try {
    parsed = JSON.parse(out.stdout || '[]');
  } catch {
    return found;
  }
  if (!Array.isArray(parsed)) return found;
  for (const item of parsed as { Id?: string; Size?: number; RepoTags?: string[]; Config?: { Labels?: Record<string, string> | null } }[]) {
    for (const tag of item.RepoTags ?? []) {
      if (!names.includes(tag)) continue;
      found.set(tag, { id: item.Id ?? '', size: item.Size ?? 0, inputs: item.Config?.Labels?.[INPUTS_LABEL] });
    }
  }
  return found;
}

async function readAptSources(): Promise<AptSource[]> {
  const sources: AptSource[] = [];
  const dir = '/etc/apt/sources.list.d';
  const entries = await readdir(dir).catch(() => [] as string[]);
  for (const name of entries.sort()) {
    if (name.endsWith('.sources')) sources.push(...parseDeb822Sources(await readFile(join(dir, name), 'utf8')));
    else if (name.endsWith('.list')) sources.push(...parseOneLineSources(await readFile(join(dir, name), 'utf8')));
  }
  const main = await readFile('/etc/apt/sources.list', 'utf8').catch(() => '');
  // The main file first: that is where a machine's own archive is usually named.
  return [...parseOneLineSources(main), ...sources];
}

async function resolveMirror(options: CliOptions): Promise<{ uri: string; keyring: string | undefined }> {
  if (options.mirror !== undefined) return { uri: options.mirror.replace(/\/+$/, ''), keyring: undefined };
  const picked = pickMirror(await readAptSources(), SUITE);
  if (picked === undefined) {
    throw new OfflineImagesError(
      'finding a Debian mirror',
      `No enabled "deb ... main" entry in /etc/apt/sources.list or /etc/apt/sources.list.d/*.sources names an http(s) ` +
        `or file archive to debootstrap ${SUITE} from. Add one (apt itself must be able to use it), or pass --mirror URL.`,
    );
  }
  return picked;
}

async function preflightBase(ctx: Context): Promise<void> {
  if (process.getuid?.() !== 0) {
    throw new OfflineImagesError(
      'building the base image',
      `${BASE_IMAGE} is missing or out of date, and building it runs debootstrap and chroot, which need root. Run ` +
        `this script as root (for example with sudo -E npx tsx scripts/offline-images.ts), or on a machine where the images were already built.`,
    );
  }
  const found = await ctx.sh({ nothrow: true })`command -v debootstrap`;
  if (found.exitCode !== 0) {
    throw new OfflineImagesError(
      'finding debootstrap',
      'debootstrap is not installed (or not on PATH). Install it with `apt-get install -y debootstrap` and run this script again.',
    );
  }
}

/** Removes a build directory, first detaching anything a failed debootstrap left mounted in it. */
async function removeBuildDir(ctx: Context, dir: string): Promise<void> {
  const real = await realpath(dir).catch(() => undefined);
  if (real === undefined) return;
  const mountsUnder = async (): Promise<string[]> => {
    const info = await readFile('/proc/self/mountinfo', 'utf8');
    return info
      .split('\n')
      .map((line) => line.split(' ')[4] ?? '')
      .filter((mountPoint) => mountPoint.startsWith(real + sep))
      .sort((a, b) => b.length - a.length);
  };
  for (const mountPoint of await mountsUnder()) {
    await ctx.sh({ nothrow: true })`umount -l ${mountPoint}`;
  }
  const left = await mountsUnder();
  if (left.length > 0) {
    // Deleting recursively through a bind mount of /dev or /proc would damage the host.
    ctx.log(`warning: left ${dir} in place: still mounted inside it: ${left.join(', ')}`);
    return;
  }
  await rm(dir, { recursive: true, force: true });
}

/** Resolves `relative` inside `rootfs`, refusing any path whose parent escapes it by a symlink. */
async function insideRootfs(rootfs: string, relative: string): Promise<string | undefined> {
  const target = join(rootfs, relative);
  const parent = await realpath(dirname(target)).catch(() => undefined);
  if (parent === undefined) return undefined;
  if (parent !== rootfs && !parent.startsWith(rootfs + sep)) {
    throw new Error(`refusing to touch ${target}: it resolves outside the root filesystem`);
  }
  return join(parent, relative.split('/').at(-1) ?? '');
}

async function trimRootfs(ctx: Context, rootfsPath: string): Promise<void> {
  const rootfs = await realpath(rootfsPath);
  const { locale } = BASE_RECIPE;
  await ctx.sh`chroot ${rootfs} localedef -i ${locale.input} -c -f ${locale.charmap} -A /usr/share/locale/locale.alias ${locale.name}`;
  for (const relative of BASE_RECIPE.removePaths) {
    const path = await insideRootfs(rootfs, relative);
    if (path !== undefined) await rm(path, { recursive: true, force: true });
  }
  // Keeps a later `apt-get install postgresql-*` in a derived image from creating a cluster.
  const createClusterConf = await insideRootfs(rootfs, 'etc/postgresql-common/createcluster.conf');
  if (createClusterConf !== undefined) {
    const text = await readFile(createClusterConf, 'utf8').catch(() => '');
    await writeFile(createClusterConf, `${text}\ncreate_main_cluster = false\n`);
  }
  for (const { dir, keep } of BASE_RECIPE.emptyDirs) {
    const path = await insideRootfs(rootfs, dir);
    if (path === undefined) continue;
    const entries = await readdir(path).catch(() => [] as string[]);
    for (const entry of entries) {
      if (!keep.includes(entry)) await rm(join(path, entry), { recursive: true, force: true });
    }
  }
  for (const relative of BASE_RECIPE.removeFiles) {
    const path = await insideRootfs(rootfs, relative);
    if (path !== undefined) await rm(path, { force: true });
  }
  for (const relative of BASE_RECIPE.blankFiles) {
    const path = await insideRootfs(rootfs, relative);
    if (path === undefined) continue;
    // rm first: if it were a symlink, writing through it would reach a host file.
    await rm(path, { force: true });
    await writeFile(path, '');
  }
}

async function buildBase(ctx: Context, baseInputs: string): Promise<void> {
  await preflightBase(ctx);
  const mirror = await resolveMirror(ctx.options);
  await mkdir(ctx.buildRoot, { recursive: true });
  const work = await mkdtemp(join(ctx.buildRoot, 'base-'));
  const rootfs = join(work, 'rootfs');
  try {
    let startedAt = performance.now();
    ctx.log(`debootstrap ${SUITE} (${BASE_RECIPE.variant} + ${BASE_RECIPE.include.join(', ')}) from ${mirror.uri}; this takes about a minute`);
    const keyring = mirror.keyring === undefined ? [] : [`--keyring=${mirror.keyring}`];
    try {
      await ctx.sh`debootstrap --variant=${BASE_RECIPE.variant} --include=${BASE_RECIPE.include.join(',')} ${keyring} ${SUITE} ${rootfs} ${mirror.uri}`;
    } catch (error) {
      const log = await readFile(join(rootfs, 'debootstrap', 'debootstrap.log'), 'utf8').catch(() => '');
      const output = error instanceof ProcessOutput ? `${error.stdout}\n${error.stderr}` : '';
      throw new OfflineImagesError(
        `debootstrap of ${SUITE} from ${mirror.uri}`,
        'Check that the mirror answers (`apt-get update` uses it too), that there is disk space under .offline-build/, ' +
          'and that the archive key is installed (debian-archive-keyring); the last lines of its log are below.',
        { cause: error, details: tailLines(`${output}\n${log}`, 15) },
      );
    }
    ctx.log(`  root filesystem ready in ${seconds(performance.now() - startedAt)}; trimming caches, docs and translations`);
    await trimRootfs(ctx, rootfs);
    startedAt = performance.now();
    ctx.log(`importing the root filesystem as ${BASE_IMAGE}`);
    const changes = [...BASE_RECIPE.imageChanges, `LABEL ${INPUTS_LABEL}=${baseInputs}`].flatMap((c) => ['--change', c]);
    // Imported untagged and tagged only once tar also succeeded: a truncated stream must never
    // become a base that later runs would trust because its label matches.
    const imported = await ctx.sh({ nothrow: true })`tar --numeric-owner -C ${rootfs} -c . | docker import ${changes} -`;
    const imageId = /sha256:[0-9a-f]{64}/.exec(imported.stdout)?.[0];
    if (imported.exitCode !== 0 || imageId === undefined) {
      if (imageId !== undefined) await ctx.sh({ nothrow: true })`docker image rm ${imageId}`;
      throw new OfflineImagesError(`importing ${BASE_IMAGE}`, 'tar or docker import failed; see the output below.', {
        cause: imported,
        details: tailLines(imported.stderr, 10),
      });
    }
    await ctx.sh`docker tag ${imageId} ${BASE_IMAGE}`;
    ctx.log(`  imported in ${seconds(performance.now() - startedAt)}`);
  } finally {
    await removeBuildDir(ctx, work);
  }
}

async function buildFinal(ctx: Context, image: FinalImage): Promise<void> {
  await mkdir(ctx.buildRoot, { recursive: true });
  const context = await mkdtemp(join(ctx.buildRoot, 'context-'));
  try {
    for (const [source, name, mode] of image.contextFiles) {
      await copyFile(source, join(context, name));
      await chmod(join(context, name), mode);
    }
    const buildArgs = Object.entries({ BASE_IMAGE, ...image.buildArgs }).flatMap(([k, v]) => ['--build-arg', `${k}=${v}`]);
    const startedAt = performance.now();
    ctx.log(`building ${image.name}`);
    try {
      await ctx.sh`docker build --pull=false --label ${`${INPUTS_LABEL}=${image.inputs}`} ${buildArgs} -t ${image.name} ${context}`;
    } catch (error) {
      throw new OfflineImagesError(
        `docker build of ${image.name}`,
        `The build uses only the local ${BASE_IMAGE} (never a registry); see the output below, fix the Dockerfile or ` +
          `entrypoint, and run again (add --force if the base itself is suspect).`,
        { cause: error, details: error instanceof ProcessOutput ? tailLines(`${error.stdout}\n${error.stderr}`, 15) : undefined },
      );
    }
    ctx.log(`  built in ${seconds(performance.now() - startedAt)}`);
  } finally {
    await removeBuildDir(ctx, context);
  }
}

/**
 * Deletes the images a rebuild replaced, so that each --force does not leave hundreds of MB
 * behind. Only images left without any tag go; one still used by a container stays.
 */
async function removeSuperseded(ctx: Context, before: readonly string[], after: readonly string[]): Promise<void> {
  for (const id of before) {
    if (id === '' || after.includes(id)) continue;
    const tags = await ctx.sh({ nothrow: true })`docker image inspect --format '{{len .RepoTags}}' ${id}`;
    if (tags.exitCode !== 0 || tags.stdout.trim() !== '0') continue;
    const removed = await ctx.sh({ nothrow: true })`docker image rm ${id}`;
    if (removed.exitCode === 0) ctx.log(`removed the superseded image ${id.slice(7, 19)}`);
  }
}

async function hostNodeVersion(sh: Shell, binary: string): Promise<string> {
  const fail = (why: string, cause?: unknown): OfflineImagesError =>
    new OfflineImagesError(
      `checking the Node binary ${binary}`,
      `${why} ${NODE_IMAGE} copies the host's Node 20 binary into the image; install Node 20 there or pass --node-binary PATH.`,
      cause === undefined ? undefined : { cause },
    );
  let version: string;
  try {
    version = (await sh`${binary} --version`).stdout.trim();
  } catch (error) {
    throw fail('It could not be run.', error);
  }
  if (!/^v20\./.test(version)) throw fail(`It is ${version}, not Node 20.`);
  return version;
}

function parseCli(argv: readonly string[]): CliOptions | 'help' {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      force: { type: 'boolean', default: false },
      verbose: { type: 'boolean', default: false },
      mirror: { type: 'string' },
      'node-binary': { type: 'string', default: DEFAULT_NODE_BINARY },
      help: { type: 'boolean', short: 'h', default: false },
    },
    strict: true,
    allowPositionals: false,
  });
  if (values.help) return 'help';
  return Object.freeze({
    force: values.force,
    verbose: values.verbose,
    mirror: values.mirror,
    nodeBinary: values['node-binary'],
  });
}

const USAGE = `Usage: npx tsx scripts/offline-images.ts [--force] [--verbose] [--mirror URL] [--node-binary PATH]

Builds ${POSTGRES_IMAGE} and ${NODE_IMAGE} (on ${BASE_IMAGE}) from local sources only, and
reuses them when they exist and were built from the current inputs.
  --force            rebuild all three images
  --verbose          stream every command's output
  --mirror URL       Debian archive for debootstrap (default: from this machine's apt sources)
  --node-binary PATH Node 20 binary to copy into ${NODE_IMAGE} (default ${DEFAULT_NODE_BINARY})`;

export async function main(argv: readonly string[]): Promise<number> {
  const startedAt = performance.now();
  let options: CliOptions | 'help';
  try {
    options = parseCli(argv);
  } catch (error) {
    console.error(`offline-images: ${error instanceof Error ? error.message : String(error)}\n\n${USAGE}`);
    return 2;
  }
  if (options === 'help') {
    console.log(USAGE);
    return 0;
  }

  const abort = new AbortController();
  let interrupted = false;
  const onSignal = (): void => {
    interrupted = true;
    abort.abort();
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);

  const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');
  const ctx: Context = {
    sh: $({ quiet: !options.verbose, verbose: options.verbose, cwd: repoRoot, ac: abort }),
    options,
    repoRoot,
    buildRoot: join(repoRoot, '.offline-build'),
    log: (line) => console.log(`[offline-images] ${line}`),
  };

  try {
    const engine = await checkDocker(ctx.sh);
    const baseInputs = inputsHash([JSON.stringify(BASE_RECIPE)]);

    const postgresDir = join(repoRoot, 'deployment', 'postgres');
    const nodeDir = join(repoRoot, 'deployment', 'node');
    const postgresFiles = [
      [join(postgresDir, 'Dockerfile.offline'), 'Dockerfile', 0o644],
      [join(postgresDir, 'docker-entrypoint.sh'), 'docker-entrypoint.sh', 0o755],
    ] as const;
    const nodeFiles = [
      [join(nodeDir, 'Dockerfile.offline'), 'Dockerfile', 0o644],
      [join(nodeDir, 'docker-entrypoint.sh'), 'docker-entrypoint.sh', 0o755],
    ] as const;
    const contents = async (files: readonly (readonly [string, string, number])[]): Promise<Buffer[]> => Promise.all(files.map(([source]) => readFile(source)));

    const nodeVersion = await hostNodeVersion(ctx.sh, options.nodeBinary);
    const nodeSize = (await stat(options.nodeBinary)).size;
    const finals: FinalImage[] = [
      {
        name: POSTGRES_IMAGE,
        inputs: inputsHash([baseInputs, ...(await contents(postgresFiles))]),
        contextFiles: postgresFiles,
        buildArgs: {},
      },
      {
        name: NODE_IMAGE,
        inputs: inputsHash([baseInputs, nodeVersion, String(nodeSize), ...(await contents(nodeFiles))]),
        contextFiles: [...nodeFiles, [options.nodeBinary, 'node', 0o755]],
        buildArgs: { NODE_VERSION: nodeVersion.replace(/^v/, '') },
      },
    ];

    const existing = await inspectImages(ctx.sh, [BASE_IMAGE, ...finals.map((f) => f.name)]);
    const stale = finals.filter((f) => options.force || existing.get(f.name)?.inputs !== f.inputs);
    for (const image of finals.filter((f) => !stale.includes(f))) {
      ctx.log(`${image.name} is up to date (${megabytes(existing.get(image.name)?.size ?? 0)}); reusing it`);
    }
    if (stale.length === 0) {
      ctx.log(`nothing to build (${seconds(performance.now() - startedAt)}); pass --force to rebuild`);
      return 0;
    }
    for (const image of stale) {
      const state = existing.get(image.name);
      const why = options.force ? '--force' : state === undefined ? 'missing' : 'built from other inputs';
      ctx.log(`${image.name} will be built (${why})`);
    }
    ctx.log(`Docker engine ${engine}; building from local sources only, nothing is pulled`);

    if (options.force || existing.get(BASE_IMAGE)?.inputs !== baseInputs) {
      await buildBase(ctx, baseInputs);
    } else {
      ctx.log(`${BASE_IMAGE} is up to date; reusing it`);
    }
    for (const image of stale) await buildFinal(ctx, image);

    const built = await inspectImages(ctx.sh, [BASE_IMAGE, ...finals.map((f) => f.name)]);
    await removeSuperseded(
      ctx,
      [...existing.values()].map((s) => s.id),
      [...built.values()].map((s) => s.id),
    );
    for (const name of [BASE_IMAGE, ...finals.map((f) => f.name)]) {
      ctx.log(`  ${name.padEnd(30)} ${megabytes(built.get(name)?.size ?? 0)}`);
    }
    ctx.log(`done in ${seconds(performance.now() - startedAt)}`);
    return 0;
  } catch (error) {
    if (interrupted) {
      console.error('offline-images: interrupted; the unfinished step tagged no image and its build files were removed.');
      return 130;
    }
    console.error(formatFailure(error));
    return 1;
  } finally {
    process.removeListener('SIGINT', onSignal);
    process.removeListener('SIGTERM', onSignal);
  }
}

const invokedPath = process.argv[1];
if (invokedPath !== undefined && import.meta.url === pathToFileURL(resolve(invokedPath)).href) {
  process.exitCode = await main(process.argv.slice(2));
}
