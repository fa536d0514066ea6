// Opens the store the loaded config names, resolving its secret reference first.
import type { LoadedConfig } from '../config/load.ts';
import type { Env } from '../config/paths.ts';
import { resolveSecretRef } from '../config/secret-ref.ts';
import { openStore, type Store } from './factory.ts';

export function openConfiguredStore(loaded: LoadedConfig, env: Env, options: { readOnly?: boolean; onReachability?: (reachable: boolean, detail: string) => void } = {}): Promise<Store> {
  const { store } = loaded.config;
  return openStore({
    url: store.url,
    stateDir: loaded.stateDir,
    prefix: store.namespace,
    password: store.password ? resolveSecretRef(store.password, env, 'store.password') : undefined,
    readOnly: options.readOnly ?? false,
    onReachability: options.onReachability,
  });
}
