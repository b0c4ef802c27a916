/** `lawfirm-20261126T101502.123Z.dump`: the database, then the UTC start time to the millisecond. */
export function backupFileName(database: string, startedAt: Date, label?: string): string {
  const stamp = startedAt.toISOString().replaceAll('-', '').replaceAll(':', '');
  return `${database}-${stamp}${label ? `-${label}` : ''}.dump`;
}

/** Where the manifest of an archive lives: `x.dump` has `x.manifest.json`; any other name gets `.manifest.json` appended. */
export function manifestPathFor(archivePath: string): string {
  return archivePath.endsWith('.dump') ? `${archivePath.slice(0, -'.dump'.length)}.manifest.json` : `${archivePath}.manifest.json`;
}

/** A sibling file whose presence marks a backup as never to be deleted by retention (`touch x.keep`). */
export function keepMarkerPathFor(archivePath: string): string {
  return archivePath.endsWith('.dump') ? `${archivePath.slice(0, -'.dump'.length)}.keep` : `${archivePath}.keep`;
}

/** True for names this database's backups have, so retention never touches anything else in the directory. */
export function isBackupOf(database: string, fileName: string): boolean {
  return fileName.startsWith(`${database}-`) && fileName.endsWith('.dump') && /^\d{8}T\d{6}\.\d{3}Z/.test(fileName.slice(database.length + 1));
}
