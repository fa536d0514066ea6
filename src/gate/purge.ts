// Keeping what an upstream deleted off the gate. upload-pack hands out any object it holds by id
// (protocol v2 only checks that a want exists; v0 does the same once uploadpack.allowAnySHA1InWant
// is on), so when a refresh leaves objects unreachable (a force-push over a leaked secret, a
// deleted branch) they have to leave the mirror, not just its refs.
//
// Kept in the mirror's git dir, under gatehouse/:
//   purge-tips  old tips whose unreachable objects still have to go: the fetch that orphaned them
//               failed, or the purge did; removed once a purge has finished.
//   refs        the refs as the last successful refresh found them after its fetch; a ref that
//               differs at the next refresh was moved by a push, and is checked for missing objects.
import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runGit, runGitLines } from '../git/run.ts';

export type Refs = Map<string, string>;

export interface MirrorGit {
  gitDir: string;
  env: NodeJS.ProcessEnv;
  timeoutMs: number;
}

/** Fixed settings for every git command gatehouse runs in a mirror. */
const SAFE = ['-c', 'core.hooksPath=/dev/null'];

const run = (git: MirrorGit, args: string[]) => runGit([...SAFE, ...args], { cwd: git.gitDir, env: git.env, timeoutMs: git.timeoutMs });
const lines = (git: MirrorGit, args: string[], onLine: (line: string) => void, input?: string) =>
  runGitLines([...SAFE, ...args], onLine, { cwd: git.gitDir, env: git.env, timeoutMs: git.timeoutMs, ...(input === undefined ? {} : { input }) });

export async function readRefs(git: MirrorGit): Promise<Refs> {
  const refs: Refs = new Map();
  await lines(git, ['for-each-ref', '--format=%(objectname) %(refname)'], (line) => {
    const space = line.indexOf(' ');
    if (space > 0) refs.set(line.slice(space + 1), line.slice(0, space));
  });
  return refs;
}

/**
 * Refs a push moved since the last refresh, checked for missing objects (a purge racing a push
 * can leave a ref so: see purgeUnreachable). A broken one is deleted, so the fetch that follows
 * takes it afresh from the upstream, which the push reached before the mirror did; a ref that
 * keeps its broken value would look up to date to that fetch. Returns the refs as they are then.
 */
export async function repairPushedRefs(git: MirrorGit): Promise<{ refs: Refs; deleted: string[] }> {
  const refs = await readRefs(git);
  const recorded = readRefsFile(git.gitDir);
  const deleted: string[] = [];
  if (!recorded) return { refs, deleted };
  const known = new Set<string>();
  const moved: Array<[string, string]> = [];
  for (const [name, oid] of refs) {
    if (recorded.get(name) === oid) known.add(oid);
    else moved.push([name, oid]);
  }
  if (moved.length === 0) return { refs, deleted };
  const complete = (tips: string[]) => isComplete(git, tips, known);
  if (await complete([...new Set(moved.map(([, oid]) => oid))])) return { refs, deleted };
  for (const [name, oid] of moved) {
    if (await complete([oid])) continue;
    try {
      await run(git, ['update-ref', '-d', name, oid]);
    } catch {
      continue; // moved again meanwhile: the next refresh checks the new value
    }
    refs.delete(name);
    deleted.push(name);
  }
  return { refs, deleted };
}

/** Whether every object reachable from tips is present, walking no further than the known tips. */
async function isComplete(git: MirrorGit, tips: string[], known: Set<string>): Promise<boolean> {
  const input = [...tips, ...[...known].map((oid) => `^${oid}`)].join('\n') + '\n';
  try {
    await lines(git, ['rev-list', '--objects', '--quiet', '--stdin'], () => {}, input);
    return true;
  } catch {
    return false;
  }
}

/**
 * After a fetch: the objects that were reachable from the refs before it (or from tips an earlier
 * purge left to do) and are reachable from no ref now leave the mirror. A fetch that only moved
 * refs forward costs one walk, from the new tips back to the old ones, and no repack. Returns how
 * many objects went; throws, keeping the work for the next refresh, if any are left.
 *
 * A push racing the purge: receive-pack moves a push's objects out of quarantine after the
 * pre-receive gate has forwarded it upstream, and updates the ref after that. Objects the push
 * takes from the mirror (the client left them out, as the refs it was shown reached them, or
 * sent them loose and git kept the copy it had) can be removed in between when they are among
 * the ones purged, and the ref then points at incomplete history. The push reached the upstream first, so the next refresh
 * repairs it (repairPushedRefs). Anything else the push brought is safe: loose objects are
 * removed by id, only the purged ones, and a pushed pack carries a .keep file until its refs are
 * updated, which repack leaves alone.
 */
export async function purgeUnreachable(git: MirrorGit, before: Refs, after: Refs, beforeRepack?: () => Promise<unknown>): Promise<number> {
  const current = new Set(after.values());
  const tips = [...new Set([...readTips(git.gitDir), ...[...before.values()].filter((oid) => !current.has(oid))])];
  if (tips.length === 0) return 0;
  const lost = await unreachable(git, tips);
  if (lost.length === 0) {
    removeState(git.gitDir, 'purge-tips');
    return 0;
  }
  writeState(git.gitDir, 'purge-tips', tips.join('\n') + '\n');
  await beforeRepack?.();
  // Mirrors are made with core.logAllRefUpdates off, but one set up by hand may keep reflogs,
  // and repack keeps what they reach.
  await run(git, ['reflog', 'expire', '--expire=now', '--expire-unreachable=now', '--all']);
  await run(git, ['repack', '-a', '-d', '-q']);
  // By id rather than `git prune --expire=now`, which would also delete the quarantine
  // directories (objects/tmp_objdir-incoming-*) of pushes still being scanned or forwarded, and
  // any pushed objects whose ref is not updated yet.
  for (const oid of lost) rmSync(join(git.gitDir, 'objects', oid.slice(0, 2), oid.slice(2)), { force: true });
  const left = await unreachable(git, lost);
  if (left.length > 0) {
    throw new Error(`${left.length} objects the upstream no longer has are still in the mirror after repacking (in a pack kept by a .keep file?)`);
  }
  removeState(git.gitDir, 'purge-tips');
  return lost.length;
}

/** A fetch failed, perhaps after pruning refs: what those held is purged by the next refresh. */
export function rememberOrphans(gitDir: string, before: Refs, after: Refs): void {
  const current = new Set(after.values());
  const orphans = [...before.values()].filter((oid) => !current.has(oid));
  if (orphans.length === 0) return;
  writeState(gitDir, 'purge-tips', [...new Set([...readTips(gitDir), ...orphans])].join('\n') + '\n');
}

export function recordRefs(gitDir: string, refs: Refs): void {
  writeState(gitDir, 'refs', [...refs].map(([name, oid]) => `${oid} ${name}\n`).join(''));
}

/** The objects reachable from tips (missing ones skipped) and not from any ref. */
async function unreachable(git: MirrorGit, tips: string[]): Promise<string[]> {
  const found: string[] = [];
  await lines(git, ['rev-list', '--objects', '--no-object-names', '--ignore-missing', '--stdin', '--not', '--all'], (oid) => {
    if (oid) found.push(oid);
  }, tips.join('\n') + '\n');
  return found;
}

function readRefsFile(gitDir: string): Refs | null {
  const text = readState(gitDir, 'refs');
  if (text === null) return null;
  const refs: Refs = new Map();
  for (const line of text.split('\n')) {
    const space = line.indexOf(' ');
    if (space > 0) refs.set(line.slice(space + 1), line.slice(0, space));
  }
  return refs;
}

function readTips(gitDir: string): string[] {
  return (readState(gitDir, 'purge-tips') ?? '').split('\n').filter((oid) => /^[0-9a-f]{40,64}$/.test(oid));
}

function readState(gitDir: string, name: string): string | null {
  try {
    return readFileSync(join(gitDir, 'gatehouse', name), 'utf8');
  } catch {
    return null;
  }
}

function writeState(gitDir: string, name: string, text: string): void {
  const dir = join(gitDir, 'gatehouse');
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const temporary = join(dir, `${name}.${process.pid}.tmp`);
  writeFileSync(temporary, text, { mode: 0o600 });
  renameSync(temporary, join(dir, name));
}

function removeState(gitDir: string, name: string): void {
  rmSync(join(gitDir, 'gatehouse', name), { force: true });
}
