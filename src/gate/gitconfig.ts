// A client .gitconfig that sends an agent's plain `git clone https://github.com/org/app` through
// the gate: url.<gate>/<mirror>.insteadOf for every spelling of each mirror's upstream.
//
// git rewrites with the LONGEST insteadOf value that is a raw string prefix of the URL, with no
// delimiter: a key `https://github.com/org/app` alone would also turn `.../org/app-docs.git` into
// `<gate>/app.git-docs.git`. So each exact spelling gets its key, and every way a longer URL can
// leave those spellings (`app-`, `app.x`, `app.git2`, `app/sub`, ...) gets a longer key that
// rewrites the URL to itself. Those guards cover every printable ASCII character; a sibling whose
// name continues with a non-ASCII byte is not guarded (no hosting service allows one).
import type { MirrorSettings } from './mirror-settings.ts';

const DEFAULT_PORTS: Record<string, string> = { https: '443', http: '80', ssh: '22', git: '9418' };
const GUARD_CHARACTERS = Array.from({ length: 0x7e - 0x20 }, (_, i) => String.fromCharCode(0x21 + i));

/**
 * The base spellings of one repository, without `.git` or a trailing slash: the upstream as
 * given (its port kept), and for a host on its default ports the https, scp-like and ssh://
 * forms people and tools also write. Empty when the upstream is not a URL git would rewrite.
 */
export function upstreamBases(upstream: string): string[] {
  const bases = new Set<string>();
  const url = /^([a-z][a-z0-9+.-]*):\/\/(?:([^@/]+)@)?([^/:]+)(?::(\d+))?\/(.+)$/i.exec(upstream);
  const scp = url ? null : /^(?:([^@/:]+)@)?([^/:]+):(?!\/\/)(.+)$/.exec(upstream);
  let host: string;
  let path: string;
  let derive: boolean;
  if (url) {
    const [, scheme, user, h, port, p] = url as unknown as [string, string, string | undefined, string, string | undefined, string];
    host = h;
    path = trimSuffixes(p);
    if (!path) return [];
    bases.add(`${scheme}://${user ? `${user}@` : ''}${host}${port ? `:${port}` : ''}/${path}`);
    // Another port is another server: its other spellings are unknown.
    derive = !port || port === DEFAULT_PORTS[scheme.toLowerCase()];
  } else if (scp) {
    const [, user, h, p] = scp as unknown as [string, string | undefined, string, string];
    host = h;
    path = trimSuffixes(p).replace(/^\/+/, '');
    if (!path) return [];
    bases.add(`${user ? `${user}@` : ''}${host}:${trimSuffixes(p)}`);
    derive = true;
  } else {
    return [];
  }
  if (derive) {
    bases.add(`https://${host}/${path}`);
    bases.add(`git@${host}:${path}`);
    bases.add(`ssh://git@${host}/${path}`);
  }
  return [...bases];
}

function trimSuffixes(path: string): string {
  return path.replace(/\/+$/, '').replace(/\.git$/, '');
}

/** Every exact URL of one repository that must reach the gate. */
export function upstreamSpellings(upstream: string): string[] {
  return upstreamBases(upstream).flatMap((base) => [base, `${base}.git`, `${base}/`, `${base}.git/`]);
}

export interface InsteadOfKey {
  /** What git rewrites a URL starting with `prefix` to. */
  base: string;
  prefix: string;
}

/**
 * The insteadOf keys for these mirrors: each spelling to its mirror on the gate, and identity
 * keys for every longer URL that leaves the spellings (see the comment at the top).
 */
export function insteadOfKeys(gate: string, mirrors: readonly MirrorSettings[]): InsteadOfKey[] {
  const base = gate.replace(/\/+$/, '');
  const targets = new Map<string, string>();
  for (const m of mirrors) {
    if (!m.upstream) continue;
    for (const spelling of upstreamSpellings(m.upstream)) if (!targets.has(spelling)) targets.set(spelling, `${base}/${m.name}.git`);
  }
  // Strings between a spelling and a longer one (`app.`, `app.g`, `app.gi` between `app` and
  // `app.git`): URLs that stop or turn off there belong to another repository.
  const between = new Set<string>();
  const sorted = [...targets.keys()].sort();
  for (const short of sorted) {
    for (const long of sorted) {
      if (long.length <= short.length || !long.startsWith(short)) continue;
      for (let end = short.length + 1; end < long.length; end++) {
        const node = long.slice(0, end);
        if (!targets.has(node)) between.add(node);
      }
    }
  }
  const keys: InsteadOfKey[] = [...targets].map(([prefix, to]) => ({ prefix, base: to }));
  for (const node of [...between].sort()) keys.push({ prefix: node, base: node });
  for (const target of sorted) {
    for (const c of GUARD_CHARACTERS) {
      const next = target + c;
      if (!targets.has(next) && !between.has(next)) keys.push({ prefix: next, base: next });
    }
  }
  return keys;
}

/** A value or subsection name in git config syntax. */
function quoted(value: string): string {
  return `"${value.replace(/[\\"]/g, (c) => `\\${c}`)}"`;
}

export interface ClientGitconfigOptions {
  /** A gatehouse token for a smart HTTP gate, sent as a bearer header to the gate's URLs only. */
  token?: string | undefined;
}

export function clientGitconfig(gate: string, mirrors: readonly MirrorSettings[], options: ClientGitconfigOptions = {}): string {
  const base = gate.replace(/\/+$/, '');
  const out: string[] = [
    `# Generated by gatehouse gitconfig for ${base}: clones and pushes of these repositories go through the gate.`,
  ];
  if (options.token) {
    out.push('# The token below is a secret: keep this file private (chmod 600).');
    out.push(`[http ${quoted(`${base}/`)}]`, `\textraHeader = ${quoted(`Authorization: Bearer ${options.token}`)}`);
  }
  const keys = insteadOfKeys(base, mirrors);
  const bySection = new Map<string, string[]>();
  for (const key of keys) {
    if (key.base === key.prefix) continue;
    bySection.set(key.base, [...(bySection.get(key.base) ?? []), key.prefix]);
  }
  for (const [to, prefixes] of bySection) {
    out.push(`[url ${quoted(to)}]`);
    for (const prefix of prefixes) out.push(`\tinsteadOf = ${quoted(prefix)}`);
  }
  const guards = keys.filter((k) => k.base === k.prefix);
  if (guards.length > 0) {
    out.push('# Other repositories whose URLs start like a mirrored one stay as they are (git rewrites by longest prefix).');
    for (const { prefix } of guards) out.push(`[url ${quoted(prefix)}] insteadOf = ${quoted(prefix)}`);
  }
  return `${out.join('\n')}\n`;
}
