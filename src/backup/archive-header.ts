/** A table whose rows the archive holds (a TABLE DATA entry of its table of contents). */
export interface ArchiveTable {
  readonly schema: string;
  readonly name: string;
}

/** What the header and table of contents of a pg_dump custom-format archive say about it. */
export interface ArchiveHeader {
  /** Archive format version, e.g. "1.14" (PostgreSQL 12-15), "1.15" (16), "1.16" (17). */
  readonly version: string;
  /** major * 256 * 256 + minor * 256 + rev, comparable as pg_restore compares it. */
  readonly versionNumber: number;
  readonly compression: 'none' | 'gzip' | 'lz4' | 'zstd' | 'unknown';
  readonly database: string | null;
  readonly serverVersion: string | null;
  readonly pgDumpVersion: string | null;
  readonly tocEntries: number;
  readonly dataTables: readonly ArchiveTable[];
}

export type ArchiveHeaderParse =
  | { readonly ok: true; readonly header: ArchiveHeader }
  /** `needMore`: the bytes ended inside the header or table of contents; read more of the file and parse again. */
  | { readonly ok: false; readonly problem: string; readonly needMore: boolean };

const magic = Buffer.from('PGDMP');
const formats: Record<number, string> = { 1: 'custom', 3: 'tar', 4: 'null', 5: 'directory' };
const compressions = ['none', 'gzip', 'lz4', 'zstd'] as const;

export const archiveVersion = (major: number, minor: number, rev = 0): number => (major * 256 + minor) * 256 + rev;

class Truncated extends Error {}

/** Reads the archive's own integer and string encodings (pg_backup_archiver.c ReadInt, ReadStr, ReadOffset). */
class ArchiveReader {
  private offset = 0;
  intSize = 4;
  offSize = 8;

  constructor(private readonly bytes: Buffer) {}

  byte(): number {
    if (this.offset >= this.bytes.length) throw new Truncated();
    return this.bytes[this.offset++]!;
  }

  take(length: number): Buffer {
    if (this.offset + length > this.bytes.length) throw new Truncated();
    const slice = this.bytes.subarray(this.offset, this.offset + length);
    this.offset += length;
    return slice;
  }

  int(): number {
    const negative = this.byte() !== 0;
    let value = 0;
    for (let index = 0; index < this.intSize; index += 1) value += this.byte() * 2 ** (8 * index);
    return negative ? -value : value;
  }

  string(): string | null {
    const length = this.int();
    if (length < 0) return null;
    if (length > 256 * 1024 * 1024) throw new RangeError(`a string of ${length} bytes`);
    return this.take(length).toString('utf8');
  }

  skipOffset(): void {
    this.byte();
    this.take(this.offSize);
  }
}

/**
 * Parses the header and table of contents of a pg_dump custom-format archive (the layout written by
 * pg_backup_archiver.c WriteHead/WriteToc and pg_backup_custom.c). Pure: give it the file's first
 * bytes; it asks for more when they end too early. Reads nothing of the table data itself.
 */
export function parseArchiveHeader(bytes: Buffer, wholeFile: boolean): ArchiveHeaderParse {
  const notCustom = (problem: string) => ({ ok: false as const, problem, needMore: false });
  if (bytes.length < magic.length) {
    return wholeFile ? notCustom(`it is only ${bytes.length} bytes long`) : { ok: false, problem: 'too short', needMore: true };
  }
  if (!bytes.subarray(0, magic.length).equals(magic)) {
    const start = bytes.subarray(0, 64).toString('latin1');
    const hint = /^--|^SET |^CREATE /m.test(start)
      ? 'it looks like a plain SQL dump (pg_dump without -Fc)'
      : start.startsWith('toc.dat')
        ? 'it looks like a tar-format dump (pg_dump -Ft)'
        : 'it does not start with the PGDMP signature';
    return notCustom(hint);
  }
  const reader = new ArchiveReader(bytes.subarray(magic.length));
  try {
    const [major, minor] = [reader.byte(), reader.byte()];
    const rev = major > 1 || (major === 1 && minor > 0) ? reader.byte() : 0;
    const versionNumber = archiveVersion(major, minor, rev);
    const version = `${major}.${minor}`;
    if (versionNumber < archiveVersion(1, 12)) return notCustom(`its format ${version} is older than any pg_dump dbops reads (1.12, PostgreSQL 9.0)`);
    reader.intSize = reader.byte();
    reader.offSize = reader.byte();
    if (reader.intSize < 1 || reader.intSize > 8 || reader.offSize < 1 || reader.offSize > 16) {
      return notCustom(`its header is damaged (integer size ${reader.intSize}, offset size ${reader.offSize})`);
    }
    const format = reader.byte();
    if (format !== 1) return notCustom(`it is a pg_dump archive in ${formats[format] ?? `unknown (${format})`} format, not custom (-Fc)`);
    let compression: ArchiveHeader['compression'];
    if (versionNumber >= archiveVersion(1, 15)) {
      compression = compressions[reader.byte()] ?? 'unknown';
    } else {
      compression = reader.int() === 0 ? 'none' : 'gzip';
    }
    for (let field = 0; field < 7; field += 1) reader.int(); // creation time: sec, min, hour, mday, mon, year, isdst
    const database = reader.string();
    const serverVersion = reader.string();
    const pgDumpVersion = reader.string();

    const tocEntries = reader.int();
    if (tocEntries < 0 || tocEntries > 10_000_000) return notCustom(`its table of contents is damaged (${tocEntries} entries)`);
    const dataTables: ArchiveTable[] = [];
    for (let entry = 0; entry < tocEntries; entry += 1) {
      reader.int(); // dump id
      reader.int(); // had dumper
      reader.string(); // table oid
      reader.string(); // oid
      const tag = reader.string();
      const desc = reader.string();
      reader.int(); // section
      reader.string(); // definition
      reader.string(); // drop statement
      reader.string(); // copy statement
      const namespace = reader.string();
      reader.string(); // tablespace
      if (versionNumber >= archiveVersion(1, 14)) reader.string(); // table access method
      if (versionNumber >= archiveVersion(1, 16)) reader.int(); // relkind
      reader.string(); // owner
      reader.string(); // "with oids"
      while (reader.string() !== null); // dependencies, ended by a null string
      reader.skipOffset(); // where the data is (custom format)
      if (desc === 'TABLE DATA' && tag !== null) dataTables.push({ schema: namespace ?? '', name: tag });
    }
    return {
      ok: true,
      header: { version, versionNumber, compression, database, serverVersion, pgDumpVersion, tocEntries, dataTables },
    };
  } catch (error) {
    if (error instanceof Truncated) {
      return wholeFile
        ? notCustom('it ends inside its header or table of contents (truncated)')
        : { ok: false, problem: 'the header continues past the bytes read', needMore: true };
    }
    if (error instanceof RangeError) return notCustom(`its table of contents is damaged (${error.message})`);
    throw error;
  }
}

/**
 * The newest archive format each PostgreSQL major's pg_restore reads; undefined for majors this
 * table does not know (pg_restore itself then decides, and says so if it cannot).
 */
export function newestReadableArchive(serverMajor: number): number | undefined {
  if (serverMajor >= 10 && serverMajor <= 11) return archiveVersion(1, 13, 255);
  if (serverMajor >= 12 && serverMajor <= 15) return archiveVersion(1, 14, 255);
  if (serverMajor === 16) return archiveVersion(1, 15, 255);
  if (serverMajor === 17) return archiveVersion(1, 16, 255);
  return undefined;
}
