/**
 * One command as `--verbose` echoes it: arguments quoted as a POSIX shell would need them, with
 * every secret we can recognise replaced by `***`: the password of a connection URL, the value of
 * a `--password`-like option or of a `PASSWORD=`-like assignment, and the literal after SQL's
 * PASSWORD keyword. Secrets that dbops hands to a process travel in its environment, which the
 * echo never shows; this is the second line of defence for the ones that reach an argument.
 */
export function formatCommandLine(argv: readonly string[]): string {
  const masked: string[] = [];
  for (const [index, arg] of argv.entries()) {
    const previous = index > 0 ? argv[index - 1] : undefined;
    masked.push(previous !== undefined && secretOption.test(previous) && !previous.includes('=') ? mask : maskSecrets(arg));
  }
  return masked.map(shellQuote).join(' ');
}

const mask = '***';
/** Names that hold secrets: DB_PASSWORD, PGPASSWORD, API_TOKEN, AWS_SECRET_ACCESS_KEY, --password, ... */
const secretName = String.raw`[A-Za-z0-9_.-]*(?:password|passwd|secret|token|credential|api[_-]?key|private[_-]?key)[A-Za-z0-9_.-]*`;
/** An option whose next argument is its (secret) value: --password, --db-password. */
const secretOption = new RegExp(String.raw`^--?${secretName}$`, 'i');

/** The secrets in one piece of text (an argument, a line of output) replaced by `***`. */
export function maskSecrets(text: string): string {
  return text
    .replace(/\b([a-z][a-z0-9+.-]*:\/\/[^\s:/?#@]*):[^\s/?#@]*@/gi, `$1:${mask}@`)
    .replace(new RegExp(String.raw`(^|[\s,;])(-{0,2}${secretName}=)(?:'[^']*'|"[^"]*"|[^\s,;]*)`, 'gi'), `$1$2${mask}`)
    .replace(/\b(PASSWORD\s+)(?:'(?:[^']|'')*'|"(?:[^"]|"")*")/gi, `$1'${mask}'`);
}

function shellQuote(arg: string): string {
  if (arg !== '' && /^[A-Za-z0-9_@%+=:,./*-]+$/.test(arg)) return arg;
  return `'${arg.replaceAll("'", `'\\''`)}'`;
}
