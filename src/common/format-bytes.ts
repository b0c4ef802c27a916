import prettyBytes from 'pretty-bytes';

/** A size for people in binary units: `512 B`, `94.0 MiB`, `2.50 GiB`. */
export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  const digits = bytes < 1024 ** 3 ? 1 : 2;
  return prettyBytes(bytes, { binary: true, minimumFractionDigits: digits, maximumFractionDigits: digits });
}
