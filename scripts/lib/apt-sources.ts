/** Reading the machine's apt sources, to debootstrap from the same Debian mirror (never a host name written into the repository). */

/** One entry of an apt sources file, in either format. */
export interface AptSource {
  readonly types: readonly string[];
  readonly uris: readonly string[];
  readonly suites: readonly string[];
  readonly components: readonly string[];
  readonly signedBy: string | undefined;
  readonly enabled: boolean;
}

/** Parses deb822 `.sources` text (stanzas separated by blank lines; `#` comments). */
export function parseDeb822Sources(text: string): AptSource[] {
  const stanzas: Map<string, string>[] = [];
  let current = new Map<string, string>();
  let lastKey: string | undefined;
  for (const raw of text.split(/\r?\n/)) {
    if (raw.startsWith('#')) continue;
    if (raw.trim() === '') {
      if (current.size > 0) stanzas.push(current);
      current = new Map();
      lastKey = undefined;
      continue;
    }
    if (/^\s/.test(raw) && lastKey !== undefined) {
      // Continuation line (e.g. an inline Signed-By key block).
      current.set(lastKey, `${current.get(lastKey) ?? ''}\n${raw.trim()}`);
      continue;
    }
    const colon = raw.indexOf(':');
    if (colon <= 0) continue;
    lastKey = raw.slice(0, colon).trim().toLowerCase();
    current.set(lastKey, raw.slice(colon + 1).trim());
  }
  if (current.size > 0) stanzas.push(current);
  const words = (value: string | undefined): string[] => (value ?? '').split(/\s+/).filter((w) => w !== '');
  return stanzas.map((s) => ({
    types: words(s.get('types')),
    uris: words(s.get('uris')),
    suites: words(s.get('suites')),
    components: words(s.get('components')),
    signedBy: singleLine(s.get('signed-by')),
    enabled: (s.get('enabled') ?? 'yes').toLowerCase() !== 'no',
  }));
}

/** Parses one-line `sources.list` text: `deb [opt=value ...] URI SUITE COMPONENT...`. */
export function parseOneLineSources(text: string): AptSource[] {
  const sources: AptSource[] = [];
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.replace(/#.*$/, '').trim();
    const match = /^(deb|deb-src)\s+(?:\[([^\]]*)\]\s+)?(\S+)\s+(\S+)\s*(.*)$/.exec(line);
    if (match === null) continue;
    const [, type = '', options = '', uri = '', suite = '', components = ''] = match;
    const signedBy = /(?:^|\s)signed-by=(\S+)/.exec(options)?.[1];
    sources.push({
      types: [type],
      uris: [uri],
      suites: [suite],
      components: components.split(/\s+/).filter((c) => c !== ''),
      signedBy,
      enabled: true,
    });
  }
  return sources;
}

/**
 * The archive to debootstrap `suite` from: the first enabled binary source that carries the
 * suite itself; failing that, one carrying any main suite (an archive serves every release).
 * Security archives are skipped: they hold only updates.
 */
export function pickMirror(sources: readonly AptSource[], suite: string): { uri: string; keyring: string | undefined } | undefined {
  const usable = sources.filter((s) => s.enabled && s.types.includes('deb') && s.components.includes('main') && s.suites.length > 0);
  const isArchiveUri = (uri: string): boolean => /^(https?|file):\/\//.test(uri) && !/-security\/?$/.test(uri);
  const pick = (s: AptSource | undefined) => {
    const uri = s?.uris.find(isArchiveUri);
    if (s === undefined || uri === undefined) return undefined;
    // Only a key file can be passed to debootstrap; an inline key block is ignored.
    const keyring = s.signedBy?.startsWith('/') ? s.signedBy : undefined;
    return { uri: uri.replace(/\/+$/, ''), keyring };
  };
  return (
    pick(usable.find((s) => s.suites.includes(suite) && s.uris.some(isArchiveUri))) ??
    pick(usable.find((s) => s.suites.some((x) => !x.includes('-') && !x.includes('/')) && s.uris.some(isArchiveUri)))
  );
}

/** A value spanning several lines (an inline key block) cannot be a key file path. */
function singleLine(value: string | undefined): string | undefined {
  if (value === undefined || value.includes('\n')) return undefined;
  return value;
}
