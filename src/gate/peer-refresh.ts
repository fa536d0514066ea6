// Refreshes that replicas share. Several gate replicas on one store fetch a mirror's upstream one
// at a time (the refresh lock is the store's), and the one that fetched publishes a snapshot:
// when it fetched, which HEAD it saw, and where its own mirror can be fetched (gate.peer_url).
// A replica whose mirror is older than a fresh snapshot fetches from that peer instead of the
// upstream, so a burst of clones spread over the fleet costs the upstream one fetch. Mirrors
// stay local to each replica; only the snapshot is shared.
//
// A push the gate forwards changes the upstream. Each forward bumps the mirror's upstream
// generation once it is done; a snapshot records the generation read before its fetch began, and
// is copied only while that is still the generation. So no replica copies a peer whose fetch may
// predate a forwarded push (its own mirror, which holds that push, would go back in time).
import type { Store } from '../store/factory.ts';
import { gateGitEnv, withGitConfig } from '../git/safe-env.ts';
import type { SigningKeySource } from '../credential/tokens.ts';

export const SNAPSHOT_NAMESPACE = 'mirror-upstream';

export interface UpstreamSnapshot {
  fetchedAt: number;
  /** The mirror's upstream generation read before the fetch began. */
  generation: number;
  /** The replica that fetched (replica.ts). */
  replica: string;
  /** Its smart HTTP base URL, as its gate.peer_url says; '' when it serves none. */
  peerUrl: string;
  /** The upstream's HEAD symref at that fetch. */
  head: string | null;
}

/** What a refresh needs to know to share with other replicas. */
export interface PeerContext {
  replica: string;
  /** This replica's own gate.peer_url ('' : others cannot fetch from it). */
  peerUrl: string;
  /** A short-lived token that lets a peer's smart HTTP serve this mirror to us. */
  peerToken(mirror: string): Promise<string>;
}

/** Peer tokens live long enough for one fetch to start; the fetch itself may run longer. */
const PEER_TOKEN_SECONDS = 120;

export function peerContext(loaded: SigningKeySource & { config: { gate: { peer_url: string } } }, env: NodeJS.ProcessEnv, replica: string): PeerContext {
  return {
    replica,
    peerUrl: loaded.config.gate.peer_url,
    // jose loads only when a copy is made: the access hook runs on every clone.
    peerToken: async (mirror) => {
      const { loadSigningKey, mintToken } = await import('../credential/tokens.ts');
      return (await mintToken(loadSigningKey(loaded, env, false), { kind: 'peer', repo: mirror }, PEER_TOKEN_SECONDS)).token;
    },
  };
}

export async function readSnapshot(store: Store, mirror: string): Promise<UpstreamSnapshot | null> {
  return ((await store.namespace(SNAPSHOT_NAMESPACE).get(mirror)) as UpstreamSnapshot | undefined) ?? null;
}

export async function publishSnapshot(store: Store, mirror: string, snapshot: UpstreamSnapshot): Promise<void> {
  await store.namespace(SNAPSHOT_NAMESPACE).set(mirror, snapshot);
}

/** Generations outlive any freshness window; one that expired restarts at 0, which no snapshot holds by then. */
const GENERATION_TTL_MS = 30 * 24 * 3600_000;

export function upstreamGeneration(store: Store, mirror: string): Promise<number> {
  return store.increment(`upstream-generation:${mirror}`, 0, GENERATION_TTL_MS);
}

/** After a forward that may have reached the upstream: snapshots taken before it are not copied. */
export function upstreamMoved(store: Store, mirror: string): Promise<number> {
  return store.increment(`upstream-generation:${mirror}`, 1, GENERATION_TTL_MS);
}

/** The snapshot to copy instead of fetching the upstream: another replica's, fresh, reachable, and of the current generation. */
export function peerToCopy(snapshot: UpstreamSnapshot | null, self: PeerContext | undefined, now: number, freshnessMs: number, generation: number): UpstreamSnapshot | null {
  if (!self || !snapshot || !snapshot.peerUrl || snapshot.replica === self.replica) return null;
  if (snapshot.generation !== generation) return null;
  return now - snapshot.fetchedAt < freshnessMs ? snapshot : null;
}

/** The smart HTTP URL of a mirror on a peer. */
export function peerMirrorUrl(peerUrl: string, mirror: string): string {
  return `${peerUrl.replace(/\/+$/, '')}/git/${encodeURIComponent(mirror)}`;
}

/**
 * git's environment for fetching from a peer: the token in an extra header set through the
 * environment (never argv or the URL), no credential helper, no redirects, no prompts.
 */
export function peerFetchEnv(base: NodeJS.ProcessEnv, token: string): NodeJS.ProcessEnv {
  const env = withGitConfig(gateGitEnv(base), [
    ['credential.helper', ''],
    ['http.followRedirects', 'false'],
    ['http.extraHeader', `Authorization: Basic ${Buffer.from(`gatehouse-peer:${token}`).toString('base64')}`],
  ]);
  env.GIT_TERMINAL_PROMPT = '0';
  return env;
}
