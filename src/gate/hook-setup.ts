// What both hook roles need before they decide anything: the config, a log that is not the
// client's terminal (stdout/stderr reach the client), and the shared store.
import { join } from 'node:path';
import { loadConfig, type LoadedConfig } from '../config/load.ts';
import { ensurePrivateDir } from '../config/private-files.ts';
import { createLogger, fileSink, type Logger } from '../log/logger.ts';
import type { ProcessIO } from '../process-io.ts';
import type { Store } from '../store/factory.ts';
import { openConfiguredStore } from '../store/open-configured.ts';

export interface HookSetup {
  loaded: LoadedConfig;
  logger: Logger;
  store: Store;
}

export async function setUpHook(io: ProcessIO): Promise<HookSetup> {
  const loaded = loadConfig({ env: io.env, cwd: io.cwd });
  // The gate's log: log.file, else gate.log in the state dir.
  ensurePrivateDir(loaded.stateDir);
  const logger = createLogger({ level: loaded.config.log.level, sink: fileSink(loaded.config.log.file || join(loaded.stateDir, 'gate.log')) });
  return { loaded, logger, store: await openConfiguredStore(loaded, io.env) };
}
