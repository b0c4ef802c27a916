import { close as closeFd, constants, fsync, open as openFd } from 'node:fs';
import { promisify } from 'node:util';
import { chmod, mkdir, open, readdir, readFile, rename, rm, stat } from 'node:fs/promises';
import { finished } from 'node:stream/promises';
import path from 'node:path';
import { ArchiveFileSink } from './archive-file-sink.ts';
import { parseManifest, type BackupManifest } from './backup-manifest.ts';
import { isBackupOf, keepMarkerPathFor, manifestPathFor } from './backup-naming.ts';

export interface StoredBackup {
  readonly file: string;
  readonly sizeBytes: number;
  readonly modifiedAt: Date;
  readonly manifest: BackupManifest | undefined;
  /** Why the manifest could not be used, when it could not. */
  readonly manifestProblem: string | undefined;
  readonly keepMarker: boolean;
}

/** An archive being written: `<final>.partial`, owner-only, renamed only by commit. */
export interface PartialArchive {
  readonly finalPath: string;
  readonly partialPath: string;
  /** Where the archive's bytes go: counted and hashed on the way. */
  readonly sink: ArchiveFileSink;
  /** Ends the sink, waits until every byte is on disk (fsync) and closes the file; once, however often called. */
  close(): Promise<void>;
}

/** The backup directory: archives, their manifests and keep markers. Files are readable by the owner only. */
export class BackupStore {
  constructor(readonly directory: string) {}

  async prepare(): Promise<void> {
    await mkdir(this.directory, { recursive: true, mode: 0o700 });
  }

  async createPartial(fileName: string, onBytes?: (bytes: number) => void): Promise<PartialArchive> {
    await this.prepare();
    const finalPath = path.join(this.directory, fileName);
    const partialPath = `${finalPath}.partial`;
    // O_EXCL: never write over anything, not even a leftover partial file.
    const fd = await promisify(openFd)(partialPath, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL, 0o600);
    const sink = new ArchiveFileSink(fd, onBytes);
    let closing: Promise<void> | undefined;
    const close = async () => {
      try {
        if (!sink.writableEnded) sink.end();
        await finished(sink);
        await promisify(fsync)(fd);
      } finally {
        await promisify(closeFd)(fd);
      }
    };
    return { finalPath, partialPath, sink, close: () => (closing ??= close()) };
  }

  /** Moves a finished archive to its final name and writes its manifest beside it, both atomically. */
  async commit(partial: PartialArchive, manifest: BackupManifest): Promise<{ archive: string; manifest: string }> {
    // The archive is on disk before its manifest and its name say it is complete.
    await partial.close();
    const manifestPath = manifestPathFor(partial.finalPath);
    await writeFileAtomically(manifestPath, `${JSON.stringify(manifest, null, 2)}\n`);
    await rename(partial.partialPath, partial.finalPath);
    await chmod(partial.finalPath, 0o600);
    await syncDirectory(this.directory);
    return { archive: partial.finalPath, manifest: manifestPath };
  }

  async discard(partial: PartialArchive): Promise<void> {
    await partial.close().catch(() => undefined);
    await rm(partial.partialPath, { force: true });
  }

  /** This database's backups, by the names dbops gives them; other files in the directory are not looked at. */
  async list(database: string): Promise<StoredBackup[]> {
    const names = await readdir(this.directory).catch((error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT') return [] as string[];
      throw error;
    });
    const backups: StoredBackup[] = [];
    for (const name of names.filter((entry) => isBackupOf(database, entry)).sort()) {
      const file = path.join(this.directory, name);
      const info = await stat(file);
      const read = await readManifest(file);
      backups.push({
        file,
        sizeBytes: info.size,
        modifiedAt: info.mtime,
        manifest: read.manifest,
        manifestProblem: read.problem,
        keepMarker: await exists(keepMarkerPathFor(file)),
      });
    }
    return backups;
  }

  /**
   * Deletes `.partial` files this database's backups left when a run was killed. Call only while
   * holding the directory's lock: then no partial file can belong to a running backup.
   */
  async removeStalePartials(database: string): Promise<string[]> {
    const names = await readdir(this.directory).catch(() => [] as string[]);
    const stale = names.filter((name) => name.endsWith('.dump.partial') && isBackupOf(database, name.slice(0, -'.partial'.length)));
    for (const name of stale) await rm(path.join(this.directory, name), { force: true });
    return stale;
  }

  /** Deletes an archive and its manifest. */
  async remove(file: string): Promise<void> {
    await rm(file, { force: true });
    await rm(manifestPathFor(file), { force: true });
  }
}

/** The manifest beside an archive: absent, unusable (with the reason) or parsed. */
export async function readManifest(archivePath: string): Promise<{ manifest: BackupManifest | undefined; problem: string | undefined; path: string }> {
  const manifestPath = manifestPathFor(archivePath);
  let text: string;
  try {
    text = await readFile(manifestPath, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { manifest: undefined, problem: undefined, path: manifestPath };
    throw error;
  }
  const parsed = parseManifest(text);
  return parsed.ok
    ? { manifest: parsed.manifest, problem: undefined, path: manifestPath }
    : { manifest: undefined, problem: parsed.problem, path: manifestPath };
}

async function writeFileAtomically(file: string, text: string): Promise<void> {
  const partial = `${file}.partial`;
  const handle = await open(partial, constants.O_WRONLY | constants.O_CREAT | constants.O_TRUNC, 0o600);
  try {
    await handle.writeFile(text);
    await handle.sync();
  } finally {
    await handle.close();
  }
  await rename(partial, file);
}

async function syncDirectory(directory: string): Promise<void> {
  const handle = await open(directory, constants.O_RDONLY);
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

async function exists(file: string): Promise<boolean> {
  return stat(file).then(
    () => true,
    () => false,
  );
}
