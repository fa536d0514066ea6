// The pre-receive hook role: reads git's ref updates from stdin and runs the gate. Whatever
// goes wrong before the forward, the answer is "refused": the gate fails closed. After it, the
// answer follows the upstream (runPreReceive does not throw there).
import { EXIT_POLICY } from '../errors.ts';
import type { ProcessIO } from '../process-io.ts';
import type { Store } from '../store/factory.ts';
import { internalErrorMessage, runPreReceive } from './pre-receive.ts';
import { setUpHook } from './hook-setup.ts';

export async function runPreReceiveRole(_args: string[], io: ProcessIO): Promise<number> {
  let store: Store | null = null;
  try {
    const input = await readAll(io.stdin);
    const setup = await setUpHook(io);
    store = setup.store;
    const { loaded, logger } = setup;
    const gitDir = io.env.GIT_DIR ? (io.env.GIT_DIR.startsWith('/') ? io.env.GIT_DIR : `${io.cwd}/${io.env.GIT_DIR}`) : io.cwd;
    return await runPreReceive({ gitDir, input, env: io.env as NodeJS.ProcessEnv, loaded, store, logger, say: (text) => io.stderr.write(text) });
  } catch (error) {
    io.stderr.write(internalErrorMessage(error));
    return EXIT_POLICY;
  } finally {
    await store?.close().catch(() => {});
  }
}

async function readAll(input: NodeJS.ReadableStream): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of input as AsyncIterable<Buffer>) {
    size += chunk.length;
    // git sends one short line per ref; megabytes here means something is wrong.
    if (size > 8 * 1024 * 1024) throw new Error('more ref updates than the gate accepts in one push');
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}
