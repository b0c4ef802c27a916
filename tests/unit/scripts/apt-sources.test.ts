import { describe, expect, it } from 'vitest';
import { parseDeb822Sources, parseOneLineSources, pickMirror } from '../../../scripts/lib/apt-sources.ts';

const deb822 = `Types: deb
# a comment
URIs: http://mirror.example/debian
Suites: bookworm bookworm-updates
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg

Types: deb
URIs: http://mirror.example/debian-security
Suites: bookworm-security
Components: main

Types: deb
URIs: http://disabled.example/debian
Suites: bookworm
Components: main
Enabled: no
`;

describe('apt sources', () => {
  it('parses deb822 stanzas', () => {
    const sources = parseDeb822Sources(deb822);
    expect(sources).toHaveLength(3);
    expect(sources[0]).toEqual({
      types: ['deb'],
      uris: ['http://mirror.example/debian'],
      suites: ['bookworm', 'bookworm-updates'],
      components: ['main'],
      signedBy: '/usr/share/keyrings/debian-archive-keyring.gpg',
      enabled: true,
    });
    expect(sources[2]?.enabled).toBe(false);
  });

  it('ignores an inline key block as a keyring', () => {
    const [source] = parseDeb822Sources(
      'Types: deb\nURIs: http://m/debian\nSuites: bookworm\nComponents: main\nSigned-By:\n -----BEGIN PGP PUBLIC KEY BLOCK-----\n .\n',
    );
    expect(source?.signedBy).toBeUndefined();
  });

  it('parses one-line sources with options and comments', () => {
    expect(
      parseOneLineSources(
        '# old style\ndeb [arch=amd64 signed-by=/k.gpg] http://m.example/debian bookworm main contrib\ndeb-src http://m.example/debian bookworm main\n',
      ),
    ).toEqual([
      { types: ['deb'], uris: ['http://m.example/debian'], suites: ['bookworm'], components: ['main', 'contrib'], signedBy: '/k.gpg', enabled: true },
      { types: ['deb-src'], uris: ['http://m.example/debian'], suites: ['bookworm'], components: ['main'], signedBy: undefined, enabled: true },
    ]);
  });

  it('picks the enabled archive that carries the suite, never the security archive', () => {
    expect(pickMirror(parseDeb822Sources(deb822), 'bookworm')).toEqual({
      uri: 'http://mirror.example/debian',
      keyring: '/usr/share/keyrings/debian-archive-keyring.gpg',
    });
    expect(pickMirror(parseDeb822Sources(deb822).slice(1), 'bookworm')).toBeUndefined();
  });

  it('falls back to an archive of another release, since an archive serves every release', () => {
    expect(pickMirror(parseOneLineSources('deb http://m.example/debian/ trixie main\n'), 'bookworm')).toEqual({
      uri: 'http://m.example/debian',
      keyring: undefined,
    });
  });
});
