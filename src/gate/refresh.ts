// Refreshing a mirror from its upstream: `fetch --prune` of every ref and HEAD's symref, with
// the gate's credentials, then purging the objects the fetch left unreachable (purge.ts).
// Concurrent refreshes of one mirror share a single fetch through a lock in the store; a refresh
// younger than the freshness window is reused. The lock is a short lease renewed while the
// refresh runs (store/lease.ts), so a refresh killed mid-fetch frees the mirror within one lease,
// and its writes are fenced (refresh-fence.ts), so what it left running cannot write after that.
import { readdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { runGit } from '../git/run.ts';
import { gateGitEnv } from '../git/safe-env.ts';
import type { Store } from '../store/factory.ts';
import { errorMessage } from '../errors.ts';
import { redactText } from '../log/redact.ts';
import { holdLease, type Lease } from '../store/lease.ts';
import type { MirrorSettings } from './mirror-settings.ts';
import { fencedFetch, fenceIsCurrent, raiseFence } from './refresh-fence.ts';
import { purgeUnreachable, readRefs, recordRefs, rememberOrphans, repairPushedRefs, type MirrorGit, type Refs } from './purge.ts';
import { redirectRefusal, upstreamEnv } from './upstream-env.ts';
import { peerContext, peerFetchEnv, peerMirrorUrl, peerToCopy, publishSnapshot, readSnapshot, upstreamGeneration, type PeerContext, type UpstreamSnapshot } from './peer-refresh.ts';
import { replicaId } from './replica.ts';
import type { LoadedConfig } from '../config/load.ts';

export const STATUS_NAMESPACE = 'mirror-status';

export interface MirrorStatus {
  lastFetchAt: number | null;
  lastAttemptAt: number | null;
  lastError: string | null;
  /** How many fetches reached the upstream, for operators (and tests) to see coalescing work. */
  fetches: number;
  /** Refreshes copied from another replica instead of the upstream (peer-refresh.ts). */
  peerCopies?: number;
  /** The upstream generation read before the last refresh began (peer-refresh.ts); replicas only. */
  generation?: number;
}

export interface RefreshOptions {
  freshnessMs: number;
  fetchTimeoutMs: number;
  /** How long a waiter waits for another process's refresh before giving up. */
  waitMs: number;
  /** The refresh lock's lease: renewed every third of it while the refresh runs; a dead holder's lock frees after it. */
  leaseMs: number;
  /** This replica (replica.ts): each keeps its own status, since each keeps its own mirror. */
  replica: string;
  /** Sharing with other replicas on the same store; without it every refresh fetches the upstream. */
  peers?: Omit<PeerContext, 'replica'>;
  /** Told why a copy from a peer was not made (the refresh then fetches the upstream). */
  onPeerFailure?: (reason: string) => void;
  now?: () => number;
}

/** Repacking a large mirror takes longer than a fetch. */
const PURGE_TIMEOUT_MS = 15 * 60_000;

export type RefreshOutcome =
  /** purged: objects removed because the upstream no longer has them; repaired: refs a push left broken, taken afresh. */
  | { kind: 'fetched'; purged: number; repaired: string[]; from: 'upstream' | 'peer' }
  | { kind: 'fresh'; ageMs: number }
  | { kind: 'failed'; error: string; lastFetchAt: number | null };

/** The refresh options the config gives (access hook, mirror sync); freshness overridable. */
export function configuredRefresh(
  loaded: LoadedConfig,
  env: NodeJS.ProcessEnv,
  extra: Partial<Pick<RefreshOptions, 'freshnessMs' | 'onPeerFailure'>> = {},
): RefreshOptions {
  const gate = loaded.config.gate;
  const replica = replicaId(loaded.stateDir);
  return {
    freshnessMs: gate.freshness_seconds * 1000,
    fetchTimeoutMs: gate.fetch_timeout_seconds * 1000,
    waitMs: gate.fetch_timeout_seconds * 1000 + 5_000,
    leaseMs: gate.lock_lease_seconds * 1000,
    replica,
    // Copies between replicas only where they share a store another replica could have written.
    ...(loaded.config.store.url.startsWith('redis') ? { peers: peerContext(loaded, env, replica) } : {}),
    ...extra,
  };
}

/** A mirror's refresh status on one replica: replicas sharing a store each have their own mirror. */
export async function readStatus(store: Store, name: string, replica: string): Promise<MirrorStatus> {
  return ((await store.namespace(STATUS_NAMESPACE).get(`${name}@${replica}`)) as MirrorStatus | undefined) ?? { lastFetchAt: null, lastAttemptAt: null, lastError: null, fetches: 0 };
}

async function writeStatus(store: Store, name: string, replica: string, status: MirrorStatus): Promise<void> {
  await store.namespace(STATUS_NAMESPACE).set(`${name}@${replica}`, status);
}

/** The fetch `mirror add` made (started at startedAt), recorded as a refresh: `mirror list` reports it, and the freshness window counts from it. */
export async function recordAddedMirror(store: Store, name: string, replica: string, startedAt: number): Promise<void> {
  await writeStatus(store, name, replica, { lastFetchAt: startedAt, lastAttemptAt: startedAt, lastError: null, fetches: 1 });
}

export async function refreshMirror(mirror: MirrorSettings, store: Store, env: NodeJS.ProcessEnv, options: RefreshOptions): Promise<RefreshOutcome> {
  const now = options.now ?? Date.now;
  const asked = now();
  const self = options.peers ? { ...options.peers, replica: options.replica } : undefined;
  // With replicas, a push forwarded through any of them makes every mirror stale (peer-refresh.ts).
  const askedGeneration = self ? await upstreamGeneration(store, mirror.name) : 0;
  const current = await readStatus(store, mirror.name, options.replica);
  if (current.lastFetchAt !== null && asked - current.lastFetchAt < options.freshnessMs && (current.generation ?? 0) === askedGeneration) {
    return { kind: 'fresh', ageMs: asked - current.lastFetchAt };
  }

  const lock = await store.locks.acquire(`refresh:${mirror.name}`, { ttlMs: options.leaseMs, waitMs: options.waitMs, retryMs: 20 });
  if (!lock) return { kind: 'failed', error: 'another refresh of this mirror is taking too long', lastFetchAt: current.lastFetchAt };
  const lease = holdLease(lock, options.leaseMs);
  try {
    // Whoever held the lock before us may have refreshed after we asked (from the upstream or a
    // peer): then their outcome is ours. A status is written once its attempt is over.
    const status = await readStatus(store, mirror.name, options.replica);
    if (status.lastAttemptAt !== null && status.lastAttemptAt >= asked) {
      if (status.lastError) return { kind: 'failed', error: status.lastError, lastFetchAt: status.lastFetchAt };
      if (status.lastFetchAt !== null) return { kind: 'fresh', ageMs: now() - status.lastFetchAt };
    }
    if (status.lastFetchAt !== null && status.lastFetchAt >= asked) return { kind: 'fresh', ageMs: now() - status.lastFetchAt };
    const attempt = now();
    raiseFence(mirror.gitDir, lock.token);
    try {
      const generation = self ? await upstreamGeneration(store, mirror.name) : 0;
      const peer = peerToCopy(self ? await readSnapshot(store, mirror.name) : null, self, now(), options.freshnessMs, generation);
      let source: FetchSource = { kind: 'upstream' };
      if (peer && self) {
        try {
          source = { kind: 'peer', snapshot: peer, token: await self.peerToken(mirror.name) };
        } catch (error) {
          options.onPeerFailure?.(errorMessage(error));
        }
      }
      let synced: { purged: number; repaired: string[]; head: string | null; from: 'upstream' | 'peer' };
      try {
        synced = await syncMirror(mirror, env, options.fetchTimeoutMs, lease, source);
      } catch (error) {
        // A peer that cannot be copied (gone, its key not ours): the upstream is still the truth.
        if (source.kind !== 'peer' || lease.lost.aborted) throw error;
        options.onPeerFailure?.(redactText(errorMessage(error)));
        synced = await syncMirror(mirror, env, options.fetchTimeoutMs, lease, { kind: 'upstream' });
      }
      const fromUpstream = synced.from === 'upstream';
      await writeFenced(lease, () =>
        writeStatus(store, mirror.name, options.replica, {
          lastFetchAt: fromUpstream ? now() : peer!.fetchedAt,
          lastAttemptAt: attempt,
          lastError: null,
          fetches: status.fetches + (fromUpstream ? 1 : 0),
          peerCopies: (status.peerCopies ?? 0) + (fromUpstream ? 0 : 1),
          generation,
        }),
      );
      if (fromUpstream && self) await publishSnapshot(store, mirror.name, { fetchedAt: attempt, generation, replica: self.replica, peerUrl: self.peerUrl, head: synced.head });
      return { kind: 'fetched', purged: synced.purged, repaired: synced.repaired, from: synced.from };
    } catch (error) {
      const message = redactText(errorMessage(lease.lost.aborted ? lease.lost.reason : error));
      // A refresh that lost its lock leaves the mirror and its status to the holder that has it now.
      if (lease.lost.aborted) return { kind: 'failed', error: message, lastFetchAt: status.lastFetchAt };
      removeStaleLocks(mirror.gitDir);
      await writeStatus(store, mirror.name, options.replica, { ...status, lastAttemptAt: attempt, lastError: message, fetches: status.fetches + 1 });
      return { kind: 'failed', error: message, lastFetchAt: status.lastFetchAt };
    }
  } finally {
    lease.stop();
    await lock.release();
  }
}

/** Runs write only while the lease is ours, in the store's own view as well as the heartbeat's. */
async function writeFenced(lease: Lease, write: () => Promise<void>): Promise<void> {
  lease.lost.throwIfAborted();
  if (!(await lease.lock.holds())) throw new Error(`lost the lock ${lease.lock.name} before writing the mirror's status`);
  await write();
}

function checkFence(mirror: MirrorSettings, lease: Lease): void {
  lease.lost.throwIfAborted();
  if (!fenceIsCurrent(mirror.gitDir, lease.lock.token)) throw new Error('another refresh of this mirror took over; this one stopped');
}

/**
 * The refresh proper, under the lock: refs a push left broken are dropped (so the fetch takes
 * them afresh), the fetch, then the purge of what it left unreachable. A failure leaves the purge
 * to the next refresh, and the mirror is not served as fresh meanwhile.
 */
async function syncMirror(
  mirror: MirrorSettings,
  baseEnv: NodeJS.ProcessEnv,
  timeoutMs: number,
  lease: Lease,
  source: FetchSource,
): Promise<{ purged: number; repaired: string[]; head: string | null; from: 'upstream' | 'peer' }> {
  const git: MirrorGit = { gitDir: mirror.gitDir, env: localEnv(mirror.gitDir, baseEnv), timeoutMs };
  checkFence(mirror, lease);
  const { refs: before, deleted } = await repairPushedRefs(git);
  let head: string | null;
  try {
    head = source.kind === 'peer' ? await fetchFromPeer(mirror, baseEnv, timeoutMs, lease, source) : await fetchFromUpstream(mirror, baseEnv, timeoutMs, { lease });
  } catch (error) {
    // fetch --prune deletes refs before it fetches, so it may have orphaned objects and failed after.
    rememberOrphans(mirror.gitDir, before, await readRefs(git).catch((): Refs => new Map()));
    throw error;
  }
  const after = await readRefs(git);
  checkFence(mirror, lease);
  const purged = await purgeUnreachable({ ...git, timeoutMs: PURGE_TIMEOUT_MS }, before, after, async () => checkFence(mirror, lease));
  checkFence(mirror, lease);
  recordRefs(mirror.gitDir, after);
  return { purged, repaired: deleted, head, from: source.kind };
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

/**
 * git's words when a ref moved between the fetch reading the mirror's refs and writing them: a
 * push through the gate updated it (receive-pack writes a forwarded push's refs after the
 * pre-receive gate exits). The upstream already holds that push, so fetching again, from the
 * refs as they are now, settles it; refusing the clone for it did not.
 */
const REF_RACE = /cannot lock ref|unable to update local ref/;
const FETCH_ATTEMPTS = 5;

/**
 * fetch --prune of every ref, then HEAD's symref. With a lease (a refresh), the fetch is stopped
 * when the lease is lost and its ref updates are fenced by the lease's token; without one (the
 * first fetch of `mirror add`, before anything serves the mirror) no hook runs at all.
 */
export async function fetchFromUpstream(mirror: MirrorSettings, baseEnv: NodeJS.ProcessEnv, timeoutMs: number, options: { lease?: Lease } = {}): Promise<string | null> {
  const { lease } = options;
  const fence = lease ? fencedFetch(mirror.gitDir, lease.lock.token) : { hooksPath: '/dev/null', env: {} };
  const env = { ...upstreamEnv(mirror, baseEnv), GIT_DIR: mirror.gitDir, ...fence.env };
  const signal = lease?.lost;
  try {
    await fetchEveryRef(mirror, mirror.upstream, { env, hooksPath: fence.hooksPath, timeoutMs, lease });
    const { stdout } = await runGit(['ls-remote', '--symref', mirror.upstream, 'HEAD'], { cwd: mirror.gitDir, env, timeoutMs, signal });
    const head = /^ref: (refs\/\S+)\tHEAD$/m.exec(stdout);
    if (lease) checkFence(mirror, lease);
    if (head) await runGit(['-c', `core.hooksPath=${fence.hooksPath}`, 'symbolic-ref', 'HEAD', head[1]!], { cwd: mirror.gitDir, env });
    return head?.[1] ?? null;
  } catch (error) {
    if (signal?.aborted) throw signal.reason;
    const stderr = String((error as { stderr?: string }).stderr ?? '').trim();
    const killed = (error as { killed?: boolean }).killed;
    if (killed) throw new Error(`upstream did not answer within ${Math.round(timeoutMs / 1000)} s`);
    const said = stderr.split('\n').slice(-2).join(' ') || errorMessage(error);
    const redirect = redirectRefusal(stderr);
    throw new Error(`fetch from upstream failed: ${redirect ? `${redirect} (git: ${said})` : said}`);
  }
}

/**
 * `fetch --prune +refs/*:refs/*` from url into the mirror, run again when it met a push updating
 * the same ref (REF_RACE); stopped when the lease is lost.
 */
async function fetchEveryRef(mirror: MirrorSettings, url: string, how: { env: NodeJS.ProcessEnv; hooksPath: string; timeoutMs: number; lease: Lease | undefined }): Promise<void> {
  const { lease } = how;
  const fetch = ['-c', `core.hooksPath=${how.hooksPath}`, '-c', 'core.logAllRefUpdates=false', 'fetch', '--quiet', '--prune', '--no-write-fetch-head', '--force', url, '+refs/*:refs/*'];
  for (let attempt = 1; ; attempt++) {
    try {
      await runGit(fetch, { cwd: mirror.gitDir, env: how.env, timeoutMs: how.timeoutMs, signal: lease?.lost });
      return;
    } catch (error) {
      if (attempt >= FETCH_ATTEMPTS || lease?.lost.aborted || !REF_RACE.test(String((error as { stderr?: string }).stderr ?? ''))) throw error;
      if (lease) checkFence(mirror, lease);
    }
  }
}

/**
 * The same fetch from another replica's copy of the mirror (peer-refresh.ts), fenced the same way,
 * with HEAD as that replica saw the upstream's.
 */
async function fetchFromPeer(mirror: MirrorSettings, baseEnv: NodeJS.ProcessEnv, timeoutMs: number, lease: Lease, source: Extract<FetchSource, { kind: 'peer' }>): Promise<string | null> {
  const fence = fencedFetch(mirror.gitDir, lease.lock.token);
  const env = { ...peerFetchEnv(baseEnv, source.token), GIT_DIR: mirror.gitDir, ...fence.env };
  const url = peerMirrorUrl(source.snapshot.peerUrl, mirror.name);
  try {
    await fetchEveryRef(mirror, url, { env, hooksPath: fence.hooksPath, timeoutMs, lease });
    checkFence(mirror, lease);
    const head = source.snapshot.head;
    if (head) await runGit(['-c', `core.hooksPath=${fence.hooksPath}`, 'symbolic-ref', 'HEAD', head], { cwd: mirror.gitDir, env });
    return head;
  } catch (error) {
    if (lease.lost.aborted) throw lease.lost.reason;
    const stderr = String((error as { stderr?: string }).stderr ?? '').trim();
    throw new Error(`copy from replica ${source.snapshot.peerUrl} failed: ${stderr.split('\n').slice(-2).join(' ') || errorMessage(error)}`);
  }
}

/** Where a refresh fetches from: the upstream, or a replica that fetched it within the freshness window. */
type FetchSource = { kind: 'upstream' } | { kind: 'peer'; snapshot: UpstreamSnapshot; token: string };

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
