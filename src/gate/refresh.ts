// Refreshing a mirror from its upstream: `fetch --prune` of every ref and HEAD's symref, with
// the gate's credentials. Concurrent refreshes of one mirror share a single fetch through a
// lock in the store; a refresh younger than the freshness window is reused.
import { readdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { runGit } from '../git/run.ts';
import type { Store } from '../store/factory.ts';
import { errorMessage } from '../errors.ts';
import { redactText } from '../log/redact.ts';
import type { MirrorSettings } from './mirror-settings.ts';
import { upstreamEnv } from './upstream-env.ts';

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

export type RefreshOutcome =
  | { kind: 'fetched' }
  | { kind: 'fresh'; ageMs: number }
  | { kind: 'failed'; error: string; lastFetchAt: number | null };

export async function readStatus(store: Store, name: string): Promise<MirrorStatus> {
  return ((await store.namespace(STATUS_NAMESPACE).get(name)) as MirrorStatus | undefined) ?? { lastFetchAt: null, lastAttemptAt: null, lastError: null, fetches: 0 };
}

async function writeStatus(store: Store, name: string, status: MirrorStatus): Promise<void> {
  await store.namespace(STATUS_NAMESPACE).set(name, status);
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
      await fetchFromUpstream(mirror, env, options.fetchTimeoutMs);
      await writeStatus(store, mirror.name, { lastFetchAt: now(), lastAttemptAt: attempt, lastError: null, fetches: status.fetches + 1 });
      return { kind: 'fetched' };
    } catch (error) {
      const message = redactText(errorMessage(error));
      pruneBrokenRefs(mirror.gitDir);
      await writeStatus(store, mirror.name, { ...status, lastAttemptAt: attempt, lastError: message, fetches: status.fetches + 1 });
      return { kind: 'failed', error: message, lastFetchAt: status.lastFetchAt };
    }
  } finally {
    await lock.release();
  }
}

export async function fetchFromUpstream(mirror: MirrorSettings, baseEnv: NodeJS.ProcessEnv, timeoutMs: number): Promise<void> {
  const env = { ...upstreamEnv(mirror, baseEnv), GIT_DIR: mirror.gitDir };
  try {
    await runGit(['-c', 'core.hooksPath=/dev/null', 'fetch', '--quiet', '--prune', '--no-write-fetch-head', '--force', mirror.upstream, '+refs/*:refs/*'], { cwd: mirror.gitDir, env, timeoutMs });
    const { stdout } = await runGit(['ls-remote', '--symref', mirror.upstream, 'HEAD'], { cwd: mirror.gitDir, env, timeoutMs });
    const head = /^ref: (refs\/\S+)\tHEAD$/m.exec(stdout);
    if (head) await runGit(['symbolic-ref', 'HEAD', head[1]!], { cwd: mirror.gitDir, env });
  } catch (error) {
    const stderr = String((error as { stderr?: string }).stderr ?? '').trim();
    const killed = (error as { killed?: boolean }).killed;
    throw new Error(killed ? `upstream did not answer within ${Math.round(timeoutMs / 1000)} s` : `fetch from upstream failed: ${stderr.split('\n').slice(-2).join(' ') || errorMessage(error)}`);
  }
}

/** After an interrupted fetch: stale lock files would block the next one. */
export function pruneBrokenRefs(gitDir: string): void {
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
