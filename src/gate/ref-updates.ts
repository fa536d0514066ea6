// The lines git feeds a pre-receive hook: "<old> <new> <ref>" per updated ref.
import { isZeroOid } from '../git/oid.ts';

export { isZeroOid, ZERO_OID } from '../git/oid.ts';

export interface RefUpdate {
  oldOid: string;
  newOid: string;
  ref: string;
}

export class RefUpdateError extends Error {}

export function parseRefUpdates(text: string): RefUpdate[] {
  const updates: RefUpdate[] = [];
  for (const line of text.split('\n')) {
    if (line === '') continue;
    const m = /^([0-9a-f]{40}|[0-9a-f]{64}) ([0-9a-f]{40}|[0-9a-f]{64}) (refs\/[^\s\0]+)$/.exec(line);
    if (!m) throw new RefUpdateError(`malformed ref update line: ${JSON.stringify(line.slice(0, 200))}`);
    if (!isValidRefName(m[3]!)) throw new RefUpdateError(`invalid ref name ${JSON.stringify(m[3])}`);
    updates.push({ oldOid: m[1]!, newOid: m[2]!, ref: m[3]! });
  }
  return updates;
}

/** git check-ref-format's rules, for names that reached us from a client. */
export function isValidRefName(ref: string): boolean {
  if (!ref.startsWith('refs/') || ref.length > 1024) return false;
  if (/[\x00-\x20\x7f~^:?*[\\]/.test(ref)) return false;
  if (ref.includes('..') || ref.includes('@{') || ref.includes('//') || ref.endsWith('/') || ref.endsWith('.') || ref === '@') return false;
  return ref.split('/').every((part) => part.length > 0 && !part.startsWith('.') && !part.endsWith('.lock'));
}
