// What an upstream might make of a path the shim forwards verbatim. Servers differ: some decode
// percent-encoding once, some twice (or more, through a chain of proxies), some read "\" or
// "%5C" as a separator or drop ";params" from a segment. A route confines its clients to the
// upstream's base path only if no such reading of the path climbs out of it.

const MAX_ROUNDS = 8;

/** One round of percent-decoding, lenient as many servers are: a malformed sequence stays as it is. */
function decodeOnce(text: string): string {
  return text.replace(/(?:%[0-9a-fA-F]{2})+/g, (run) => {
    try {
      return decodeURIComponent(run);
    } catch {
      // Not UTF-8: each byte as one character, so an encoded "." or "/" is still seen.
      return Buffer.from(run.replace(/%/g, ''), 'hex').toString('latin1');
    }
  });
}

/** The path percent-decoded until it no longer changes (at most MAX_ROUNDS rounds). */
export function decodedPath(path: string): string {
  let current = path;
  for (let i = 0; i < MAX_ROUNDS; i++) {
    const next = decodeOnce(current);
    if (next === current) break;
    current = next;
  }
  return current;
}

/** Why a path (after the route prefix, as sent) is refused, or null when every reading stays under the base. */
export function pathProblem(path: string): string | null {
  let current = path;
  for (let round = 0; ; round++) {
    if (/[\x00-\x1f\x7f]/.test(current)) return 'holds a control character once decoded';
    // Every reading: "/" and "\" as separators, ";params" dropped from a segment.
    if (current.split(/[/\\]/).some((segment) => /^\.\.?$/.test(segment.split(';')[0]!))) return 'holds a dot segment once decoded';
    const next = decodeOnce(current);
    if (next === current) return null;
    if (round === MAX_ROUNDS) return 'is encoded too many times';
    current = next;
  }
}
