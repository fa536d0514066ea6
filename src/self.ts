// Which gatehouse binary is running: the single executable itself, or the development
// launcher when run from source. Hooks and the daemon link to it.
import { realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export function isSingleExecutable(): boolean {
  try {
    // node:sea exists only in Node 20+; isSea() says whether this process is a built binary.
    return (process as unknown as { getBuiltinModule(id: string): { isSea(): boolean } | undefined })
      .getBuiltinModule('node:sea')?.isSea() ?? false;
  } catch {
    return false;
  }
}

/** The built binary that is running, or null from source. */
export function currentBinary(): string | null {
  return isSingleExecutable() ? realpathSync(process.execPath) : null;
}

/** What a hook or the daemon should execute to run this gatehouse: the binary, or bin/gatehouse from source. */
export function selfExecutable(): string {
  return currentBinary() ?? fileURLToPath(new URL('../bin/gatehouse', import.meta.url));
}
