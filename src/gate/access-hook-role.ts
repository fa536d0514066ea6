// The git daemon --access-hook role: `<hook> <service> <path> <host> <canonical-host> <ip> <port>`.
// Exit 0 allows; anything else denies, and the first line of stdout reaches the client.
import { join } from 'node:path';
import { EXIT_OK, EXIT_POLICY, errorMessage } from '../errors.ts';
import { loadConfig } from '../config/load.ts';
import { ensurePrivateDir } from '../config/private-files.ts';
import { createLogger, fileSink } from '../log/logger.ts';
import { redactText } from '../log/redact.ts';
import type { ProcessIO } from '../process-io.ts';
import type { Store } from '../store/factory.ts';
import { openConfiguredStore } from '../store/open-configured.ts';
import { decideAccess } from './access-hook.ts';

export async function runAccessHookRole(args: string[], io: ProcessIO): Promise<number> {
  const [service, path, host = '', , ip = ''] = args;
  if (!service || !path) {
    io.stdout.write('gatehouse: access hook called without service and path\n');
    return EXIT_POLICY;
  }
  let store: Store | null = null;
  try {
    const loaded = loadConfig({ env: io.env, cwd: io.cwd });
    ensurePrivateDir(loaded.stateDir);
    const logger = createLogger({ level: loaded.config.log.level, sink: fileSink(loaded.config.log.file || join(loaded.stateDir, 'gate.log')) });
    store = await openConfiguredStore(loaded, io.env);
    const decision = await decideAccess({ service, path, host, ip }, loaded, store, io.env as NodeJS.ProcessEnv, logger);
    if (decision.allow) return EXIT_OK;
    io.stdout.write(`${decision.message}\n`);
    return EXIT_POLICY;
  } catch (error) {
    io.stdout.write(`gatehouse: access check failed (${redactText(errorMessage(error))}); denied\n`);
    return EXIT_POLICY;
  } finally {
    await store?.close().catch(() => {});
  }
}
