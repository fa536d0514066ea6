// Which refs a client may touch, per mirror: allowed patterns (e.g. refs/heads/agent/*) and
// protected refs that may be neither deleted nor rewound.
import { globMatches } from '../config/glob.ts';
import { isZeroOid, type RefUpdate } from './ref-updates.ts';

export interface RefPolicy {
  /** Glob patterns of refs a push may create, update or delete; empty allows all. */
  allow: string[];
  /** Glob patterns of refs that may not be deleted or force-pushed. */
  protect: string[];
}

export interface PolicyViolation {
  ref: string;
  reason: string;
}

export type AncestryCheck = (ancestor: string, descendant: string) => Promise<boolean>;

/** Globs in gatehouse's dialect (config/glob.ts): * within one path segment, ** across segments. */
export function matchesAny(ref: string, globs: string[]): boolean {
  return globs.some((g) => globMatches(g, ref));
}

/**
 * refs/replace/* makes git show one object in place of another: a clean push of a replace ref
 * could make a later secret commit read as a harmless one to anything that honours them.
 */
export function replaceRefViolations(updates: RefUpdate[], allowReplaceRefs: boolean): PolicyViolation[] {
  if (allowReplaceRefs) return [];
  return updates.filter((u) => u.ref.startsWith('refs/replace/')).map((u) => ({ ref: u.ref, reason: 'replace refs are refused by the gate (gate.allow_replace_refs is off)' }));
}

export async function checkRefPolicy(updates: RefUpdate[], policy: RefPolicy, isAncestor: AncestryCheck): Promise<PolicyViolation[]> {
  const violations: PolicyViolation[] = [];
  for (const u of updates) {
    if (policy.allow.length && !matchesAny(u.ref, policy.allow)) {
      violations.push({ ref: u.ref, reason: `pushes may only touch ${policy.allow.join(', ')}` });
      continue;
    }
    if (!matchesAny(u.ref, policy.protect)) continue;
    if (isZeroOid(u.newOid)) violations.push({ ref: u.ref, reason: 'protected ref: deletion is not allowed' });
    else if (!isZeroOid(u.oldOid) && !(await isAncestor(u.oldOid, u.newOid))) {
      violations.push({ ref: u.ref, reason: 'protected ref: non-fast-forward (force push) is not allowed' });
    }
  }
  return violations;
}

/**
 * git refuses to delete the branch a repository's HEAD names (receive.denyDeleteCurrent, unset
 * or refuse), and decides it after the pre-receive hook, so after the forward: an upstream whose
 * HEAD names another branch would take a deletion the mirror then refuses, and the client would
 * hear "refused" for a push the upstream took. The gate refuses it first. headRef: the mirror's
 * HEAD (null when detached); denyDeleteCurrent: its config value, null when unset.
 */
export function currentBranchDeletion(updates: RefUpdate[], headRef: string | null, denyDeleteCurrent: string | null): PolicyViolation[] {
  const allowed = denyDeleteCurrent !== null && /^(warn|ignore|false|no|off|0)$/i.test(denyDeleteCurrent.trim());
  if (!headRef || allowed) return [];
  return updates.filter((u) => isZeroOid(u.newOid) && u.ref === headRef).map((u) => ({ ref: u.ref, reason: 'the mirror\'s HEAD names this branch, and git refuses to delete it (receive.denyDeleteCurrent)' }));
}
