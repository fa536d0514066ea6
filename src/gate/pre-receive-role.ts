// The pre-receive hook role: reads git's ref updates from stdin and runs the gate. Whatever
// goes wrong, the answer is "refused": the gate fails closed.
import { EXIT_POLICY } from '../errors.ts';
import { join } from 'node:path';
import { loadConfig } from '../config/load.ts';
import { ensurePrivateDir } from '../config/private-files.ts';
import { createLogger, fileSink } from '../log/logger.ts';
import type { ProcessIO } from '../process-io.ts';
import type { Store } from '../store/factory.ts';
import { openConfiguredStore } from '../store/open-configured.ts';
import { internalErrorMessage, runPreReceive } from './pre-receive.ts';

export async function runPreReceiveRole(_args: string[], io: ProcessIO): Promise<number> {
  let store: Store | null = null;
  try {
    const input = await readAll(io.stdin);
    const loaded = loadConfig({ env: io.env, cwd: io.cwd });
    // stderr goes to the pushing client, so the gate's log goes to a file: log.file, else gate.log in the state dir.
    ensurePrivateDir(loaded.stateDir);
    const logger = createLogger({ level: loaded.config.log.level, sink: fileSink(loaded.config.log.file || join(loaded.stateDir, 'gate.log')) });
    store = await openConfiguredStore(loaded, io.env);
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
