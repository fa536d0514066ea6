// Refreshing a mirror from its upstream: `fetch --prune` of every ref and HEAD's symref, with
// the gate's credentials, then purging the objects the fetch left unreachable (purge.ts).
// Concurrent refreshes of one mirror share a single fetch through a lock in the store; a refresh
// younger than the freshness window is reused.
import { readdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { runGit } from '../git/run.ts';
import { gateGitEnv } from '../git/safe-env.ts';
import type { Store } from '../store/factory.ts';
import { errorMessage } from '../errors.ts';
import { redactText } from '../log/redact.ts';
import type { MirrorSettings } from './mirror-settings.ts';
import { purgeUnreachable, readRefs, recordRefs, rememberOrphans, repairPushedRefs, type MirrorGit, type Refs } from './purge.ts';
import { redirectRefusal, upstreamEnv } from './upstream-env.ts';

export const STATUS_NAMESPACE = 'mirror-status';

export interface MirrorStatus {
  lastFetchAt: number | null;
  lastAttemptAt: number | null;
  lastError: string | null;
  /** How many fetches reached the upstream, for operators (and tests) to see coalescing work. */
  fetches: number;
}

export interface RefreshOptions {
  freshnessMs: number;
  fetchTimeoutMs: number;
  /** How long a waiter waits for another process's refresh before giving up. */
  waitMs: number;
  now?: () => number;
}

/** Repacking a large mirror takes longer than a fetch; the lock is extended to cover it. */
const PURGE_TIMEOUT_MS = 15 * 60_000;

export type RefreshOutcome =
  /** purged: objects removed because the upstream no longer has them; repaired: refs a push left broken, taken afresh. */
  | { kind: 'fetched'; purged: number; repaired: string[] }
  | { kind: 'fresh'; ageMs: number }
  | { kind: 'failed'; error: string; lastFetchAt: number | null };

export async function readStatus(store: Store, name: string): Promise<MirrorStatus> {
  return ((await store.namespace(STATUS_NAMESPACE).get(name)) as MirrorStatus | undefined) ?? { lastFetchAt: null, lastAttemptAt: null, lastError: null, fetches: 0 };
}

async function writeStatus(store: Store, name: string, status: MirrorStatus): Promise<void> {
  await store.namespace(STATUS_NAMESPACE).set(name, status);
}

/** The fetch `mirror add` made (started at startedAt), recorded as a refresh: `mirror list` reports it, and the freshness window counts from it. */
export async function recordAddedMirror(store: Store, name: string, startedAt: number): Promise<void> {
  await writeStatus(store, name, { lastFetchAt: startedAt, lastAttemptAt: startedAt, lastError: null, fetches: 1 });
}

export async function refreshMirror(mirror: MirrorSettings, store: Store, env: NodeJS.ProcessEnv, options: RefreshOptions): Promise<RefreshOutcome> {
  const now = options.now ?? Date.now;
  const asked = now();
  const current = await readStatus(store, mirror.name);
  if (current.lastFetchAt !== null && asked - current.lastFetchAt < options.freshnessMs) return { kind: 'fresh', ageMs: asked - current.lastFetchAt };

  const lock = await store.locks.acquire(`refresh:${mirror.name}`, { ttlMs: options.fetchTimeoutMs + 30_000, waitMs: options.waitMs, retryMs: 20 });
  if (!lock) return { kind: 'failed', error: 'another refresh of this mirror is taking too long', lastFetchAt: current.lastFetchAt };
  try {
    // Whoever held the lock before us may have fetched after we asked: then their fetch is ours.
    const status = await readStatus(store, mirror.name);
    if (status.lastFetchAt !== null && status.lastFetchAt >= asked) return { kind: 'fresh', ageMs: now() - status.lastFetchAt };
    if (status.lastAttemptAt !== null && status.lastAttemptAt >= asked && status.lastError) {
      return { kind: 'failed', error: status.lastError, lastFetchAt: status.lastFetchAt };
    }
    const attempt = now();
    try {
      const { purged, repaired } = await syncMirror(mirror, env, options.fetchTimeoutMs, () => lock.extend(PURGE_TIMEOUT_MS + 30_000));
      await writeStatus(store, mirror.name, { lastFetchAt: now(), lastAttemptAt: attempt, lastError: null, fetches: status.fetches + 1 });
      return { kind: 'fetched', purged, repaired };
    } catch (error) {
      const message = redactText(errorMessage(error));
      removeStaleLocks(mirror.gitDir);
      await writeStatus(store, mirror.name, { ...status, lastAttemptAt: attempt, lastError: message, fetches: status.fetches + 1 });
      return { kind: 'failed', error: message, lastFetchAt: status.lastFetchAt };
    }
  } finally {
    await lock.release();
  }
}

/**
 * The refresh proper, under the lock: refs a push left broken are dropped (so the fetch takes
 * them afresh), the fetch, then the purge of what it left unreachable. A failure leaves the purge
 * to the next refresh, and the mirror is not served as fresh meanwhile.
 */
async function syncMirror(mirror: MirrorSettings, baseEnv: NodeJS.ProcessEnv, timeoutMs: number, beforeRepack: () => Promise<unknown>): Promise<{ purged: number; repaired: string[] }> {
  const git: MirrorGit = { gitDir: mirror.gitDir, env: localEnv(mirror.gitDir, baseEnv), timeoutMs };
  const { refs: before, deleted } = await repairPushedRefs(git);
  try {
    await fetchFromUpstream(mirror, baseEnv, timeoutMs);
  } catch (error) {
    // fetch --prune deletes refs before it fetches, so it may have orphaned objects and failed after.
    rememberOrphans(mirror.gitDir, before, await readRefs(git).catch((): Refs => new Map()));
    throw error;
  }
  const after = await readRefs(git);
  const purged = await purgeUnreachable({ ...git, timeoutMs: PURGE_TIMEOUT_MS }, before, after, beforeRepack);
  recordRefs(mirror.gitDir, after);
  return { purged, repaired: deleted };
}

/**
 * git over a mirror's own objects (the purge's walks, the repack): the gate's fixed environment,
 * so no replace ref or graft hides an object from a walk, and no variable pointing git at another
 * object store.
 */
function localEnv(gitDir: string, baseEnv: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...gateGitEnv(baseEnv), GIT_DIR: gitDir };
  for (const name of ['GIT_OBJECT_DIRECTORY', 'GIT_ALTERNATE_OBJECT_DIRECTORIES', 'GIT_QUARANTINE_PATH', 'GIT_NAMESPACE']) delete env[name];
  return env;
}

export async function fetchFromUpstream(mirror: MirrorSettings, baseEnv: NodeJS.ProcessEnv, timeoutMs: number): Promise<void> {
  const env = { ...upstreamEnv(mirror, baseEnv), GIT_DIR: mirror.gitDir };
  try {
    await runGit(['-c', 'core.hooksPath=/dev/null', '-c', 'core.logAllRefUpdates=false', 'fetch', '--quiet', '--prune', '--no-write-fetch-head', '--force', mirror.upstream, '+refs/*:refs/*'], { cwd: mirror.gitDir, env, timeoutMs });
    const { stdout } = await runGit(['ls-remote', '--symref', mirror.upstream, 'HEAD'], { cwd: mirror.gitDir, env, timeoutMs });
    const head = /^ref: (refs\/\S+)\tHEAD$/m.exec(stdout);
    if (head) await runGit(['symbolic-ref', 'HEAD', head[1]!], { cwd: mirror.gitDir, env });
  } catch (error) {
    const stderr = String((error as { stderr?: string }).stderr ?? '').trim();
    const killed = (error as { killed?: boolean }).killed;
    if (killed) throw new Error(`upstream did not answer within ${Math.round(timeoutMs / 1000)} s`);
    const said = stderr.split('\n').slice(-2).join(' ') || errorMessage(error);
    const redirect = redirectRefusal(stderr);
    throw new Error(`fetch from upstream failed: ${redirect ? `${redirect} (git: ${said})` : said}`);
  }
}

/**
 * After an interrupted fetch: stale lock files would block the next one. (Refs pointing at
 * missing objects are repairPushedRefs' business, before each fetch.)
 */
export function removeStaleLocks(gitDir: string): void {
  const stale = Date.now() - 60_000;
  const visit = (dir: string) => {
    let entries;
    try {
      entries = readdirSync(dir, { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries) {
      const path = join(dir, e.name);
      if (e.isDirectory()) visit(path);
      else if (e.name.endsWith('.lock') && statSync(path).mtimeMs < stale) rmSync(path, { force: true });
    }
  };
  visit(join(gitDir, 'refs'));
  for (const file of ['packed-refs.lock', 'HEAD.lock', 'shallow.lock']) {
    const path = join(gitDir, file);
    try {
      if (statSync(path).mtimeMs < stale) rmSync(path, { force: true });
    } catch {
      // absent
    }
  }
}
