// gatehouse's one glob dialect, for every pattern an operator writes: refs (a mirror's allowed
// and protected refs), paths (gate.allow_unscannable), repositories (token scopes) and the host
// and path of a [[credential.rule]].
//
//   **     any run of characters, separators included (also none)
//   *      any run of characters within one segment: it never matches a separator (also none)
//   other  the character itself: no ?, no [...], no escapes
//
// What separates segments depends on what is matched (the dialects below): "/" in refs and
// paths; "." and ":" in a host, so `*.example.com` is one label deep (api.example.com, not
// a.b.example.com, not example.com) and `*` never reaches into a port. Matching is anchored at
// both ends: the whole text must match.

export interface GlobDialect {
  /** Characters that end a segment: `*` never matches them. */
  readonly separators: string;
  readonly ignoreCase: boolean;
}

/** Refs and file paths: `*` within one path segment. Case-sensitive, as git is. */
export const PATH_GLOB: GlobDialect = { separators: '/', ignoreCase: false };

/** Host names (with an optional :port): `*` within one dot-separated label, never across ":". DNS ignores case. */
export const HOST_GLOB: GlobDialect = { separators: '.:', ignoreCase: true };

/** A credential request's path: `*` within one segment; "?" and "#" end a segment too. */
export const URL_PATH_GLOB: GlobDialect = { separators: '/?#', ignoreCase: false };

/** A URL scheme: nothing separates, case ignored. */
export const SCHEME_GLOB: GlobDialect = { separators: '', ignoreCase: true };

const SPECIAL = /[.*+?^${}()|[\]\\\/-]/g;

export function globToRegExp(glob: string, dialect: GlobDialect = PATH_GLOB): RegExp {
  const segment = dialect.separators ? `[^${dialect.separators.replace(SPECIAL, '\\$&')}]*` : '.*';
  let out = '';
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i]!;
    if (c === '*') {
      if (glob[i + 1] === '*') {
        out += '.*';
        i++;
      } else out += segment;
    } else out += c.replace(SPECIAL, '\\$&');
  }
  return new RegExp(`^${out}$`, dialect.ignoreCase ? 'i' : '');
}

export function globMatches(glob: string, text: string, dialect: GlobDialect = PATH_GLOB): boolean {
  return globToRegExp(glob, dialect).test(text);
}
