/** A connection URL safe to print: any password is replaced by `***`. */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (!parsed.password) return url;
    parsed.password = '***';
    return parsed.toString();
  } catch {
    // Not a URL we can parse: hide everything between "://" and "@", which is where a secret would be.
    return url.replace(/(\/\/)[^@/]*@/, '$1***@');
  }
}
