// Running the shim: build the route table (every credential resolved, or an error naming the
// route), listen on TCP or a unix socket, reload on SIGHUP, drain on SIGTERM.
import { chmodSync, rmSync } from 'node:fs';
import type { LoadedConfig } from '../config/load.ts';
import { loadConfig } from '../config/load.ts';
import type { Env } from '../config/paths.ts';
import { errorMessage } from '../errors.ts';
import type { Logger } from '../log/logger.ts';
import { loadSigningKey } from '../credential/tokens.ts';
import type { Store } from '../store/factory.ts';
import { openConfiguredStore } from '../store/open-configured.ts';
import { buildRouteTable } from './routes.ts';
import { ShimServer } from './server.ts';

export interface ShimRunOptions {
  loaded: LoadedConfig;
  env: Env;
  cwd: string;
  configPath?: string | undefined;
  stateDir?: string | undefined;
  logger: Logger;
  listen?: string | undefined;
  port?: number | undefined;
  socket?: string | undefined;
  trustLoopback?: boolean | undefined;
}

export async function startShim(options: ShimRunOptions): Promise<{ shim: ShimServer; address: string; stop(): Promise<void>; reload(): Promise<boolean> }> {
  const store = await openConfiguredStore(options.loaded, options.env);
  const withOverrides = (loaded: LoadedConfig): LoadedConfig => ({
    ...loaded,
    config: { ...loaded.config, shim: { ...loaded.config.shim, ...(options.trustLoopback !== undefined ? { trust_loopback: options.trustLoopback } : {}) } },
  });
  const loaded = withOverrides(options.loaded);
  const socketPath = options.socket ?? loaded.config.shim.socket;
  const build = async (cfg: LoadedConfig) => ({
    loaded: cfg,
    table: await buildRouteTable(cfg, options.env, async () => store),
    store,
    signingKey: loadSigningKey(cfg, options.env),
    logger: options.logger,
    unixSocket: Boolean(socketPath),
  });
  const shim = new ShimServer(await build(loaded), await import('undici'));
  let address: string;
  if (socketPath) {
    rmSync(socketPath, { force: true });
    await new Promise<void>((resolve) => shim.server.listen(socketPath, resolve));
    chmodSync(socketPath, 0o600);
    address = `unix:${socketPath}`;
  } else {
    const host = options.listen ?? loaded.config.shim.listen;
    await new Promise<void>((resolve) => shim.server.listen(options.port ?? loaded.config.shim.port, host, resolve));
    const bound = shim.server.address();
    address = `http://${host}:${typeof bound === 'object' && bound ? bound.port : ''}`;
  }
  options.logger.info('shim listening', { address, routes: shim.metrics ? loaded.config.shim.route.map((r) => r.prefix) : [] });
  return {
    shim,
    address,
    async reload() {
      try {
        const fresh = withOverrides(loadConfig({ env: options.env, cwd: options.cwd, configPath: options.configPath, stateDir: options.stateDir }));
        shim.reload(await build(fresh));
        options.logger.info('shim reloaded', { routes: fresh.config.shim.route.map((r) => r.prefix) });
        return true;
      } catch (error) {
        options.logger.error('shim reload failed; keeping the previous configuration', { error: errorMessage(error) });
        return false;
      }
    },
    async stop() {
      await new Promise<void>((resolve) => {
        shim.server.close(() => resolve());
        shim.server.closeIdleConnections();
        // In-flight requests get a grace period, then go.
        setTimeout(() => shim.server.closeAllConnections(), 30_000).unref();
      });
      if (socketPath) rmSync(socketPath, { force: true });
      await shim.close();
      await (store as Store).close();
    },
  };
}
