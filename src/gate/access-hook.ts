// git daemon's --access-hook: before upload-pack (clone, fetch) the mirror is refreshed from
// its upstream; receive-pack (push) is allowed only into configured mirrors, where the
// pre-receive gate takes over. Unknown repositories and failed refreshes are denied.
import { realpathSync } from 'node:fs';
import { sep } from 'node:path';
import type { LoadedConfig } from '../config/load.ts';
import { bestEffort, type Logger } from '../log/logger.ts';
import type { Store } from '../store/factory.ts';
import { isBareRepository } from './hooks.ts';
import { readMirrorSettings } from './mirror-settings.ts';
import { mirrorsDir } from './mirrors.ts';
import { configuredRefresh, refreshMirror } from './refresh.ts';

export interface AccessDecision {
  allow: boolean;
  /** First line goes to the client when denied. */
  message: string;
}

export interface AccessRequest {
  service: string;
  path: string;
  host: string;
  ip: string;
}

export async function decideAccess(request: AccessRequest, loaded: LoadedConfig, store: Store, env: NodeJS.ProcessEnv, logger: Logger): Promise<AccessDecision> {
  // Best-effort: a log that cannot be written (a full disk) must not deny clones.
  const log = bestEffort(logger).child({ role: 'access-hook', service: request.service, ip: request.ip });
  let gitDir: string;
  let root: string;
  try {
    gitDir = realpathSync(request.path);
    root = realpathSync(mirrorsDir(loaded.stateDir));
  } catch {
    log.warn('denied: no such repository', { path: request.path });
    return { allow: false, message: 'gatehouse: no such repository' };
  }
  if (!gitDir.startsWith(root + sep) || !isBareRepository(gitDir)) {
    log.warn('denied: not a gatehouse mirror', { path: request.path });
    return { allow: false, message: 'gatehouse: not a mirror served by this gate' };
  }
  const mirror = await readMirrorSettings(gitDir, env);
  if (!mirror.name || !mirror.upstream) {
    log.warn('denied: mirror has no upstream configured', { path: gitDir });
    return { allow: false, message: 'gatehouse: this repository is not configured as a mirror' };
  }
  if (request.service === 'receive-pack') return { allow: true, message: '' };
  if (request.service !== 'upload-pack') return { allow: false, message: `gatehouse: service ${request.service} is not offered` };

  const gate = loaded.config.gate;
  const outcome = await refreshMirror(mirror, store, env, configuredRefresh(loaded, env, { onPeerFailure: (reason) => log.warn('copy from another replica failed; fetching the upstream', { mirror: mirror.name, reason }) }));
  if (outcome.kind === 'fetched' && (outcome.purged > 0 || outcome.repaired.length > 0)) {
    log.warn('mirror refreshed: purged objects the upstream no longer has, or refs a push left broken', { mirror: mirror.name, purgedObjects: outcome.purged, repairedRefs: outcome.repaired });
  }
  if (outcome.kind !== 'failed') {
    log.info('allowed', { mirror: mirror.name, refresh: outcome.kind });
    return { allow: true, message: '' };
  }
  const staleMs = outcome.lastFetchAt === null ? Infinity : Date.now() - outcome.lastFetchAt;
  if (gate.serve_stale_for_seconds > 0 && staleMs <= gate.serve_stale_for_seconds * 1000) {
    log.warn('serving stale mirror: upstream unreachable', { mirror: mirror.name, ageSeconds: Math.round(staleMs / 1000), error: outcome.error });
    return { allow: true, message: '' };
  }
  log.error('denied: mirror refresh failed', { mirror: mirror.name, error: outcome.error });
  return { allow: false, message: `gatehouse: cannot refresh ${mirror.name} from its upstream (${outcome.error}); refusing to serve a stale copy` };
}
