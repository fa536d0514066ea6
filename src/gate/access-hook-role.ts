// The git daemon --access-hook role: `<hook> <service> <path> <host> <canonical-host> <ip> <port>`.
// Exit 0 allows; anything else denies, and the first line of stdout reaches the client.
import { EXIT_OK, EXIT_POLICY, errorMessage } from '../errors.ts';
import { redactText } from '../log/redact.ts';
import type { ProcessIO } from '../process-io.ts';
import type { Store } from '../store/factory.ts';
import { decideAccess } from './access-hook.ts';
import { setUpHook } from './hook-setup.ts';

export async function runAccessHookRole(args: string[], io: ProcessIO): Promise<number> {
  const [service, path, host = '', , ip = ''] = args;
  if (!service || !path) {
    io.stdout.write('gatehouse: access hook called without service and path\n');
    return EXIT_POLICY;
  }
  let store: Store | null = null;
  try {
    const setup = await setUpHook(io);
    store = setup.store;
    const { loaded, logger } = setup;
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
