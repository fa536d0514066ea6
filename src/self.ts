// Which gatehouse binary is running: the single executable itself, or null when run from source.
import { realpathSync } from 'node:fs';

export function isSingleExecutable(): boolean {
  try {
    // node:sea exists only in Node 20+; isSea() says whether this process is a built binary.
    return (process as unknown as { getBuiltinModule(id: string): { isSea(): boolean } | undefined })
      .getBuiltinModule('node:sea')?.isSea() ?? false;
  } catch {
    return false;
  }
}

export function currentBinary(): string | null {
  return isSingleExecutable() ? realpathSync(process.execPath) : null;
}
