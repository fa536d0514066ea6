// git writes its stdout through stdio with a pipe-sized (4 KiB) buffer, so a reader that keeps
// up is woken for every 4 KiB: for `git log -p` over a large history that is tens of thousands
// of wake-ups, each costing Node a read, a Buffer and a stream event, and on one core a context
// switch. coreutils' stdbuf gives git a 1 MiB stdout buffer instead, cutting the reads about
// sevenfold (bench:scan measured about a second of CPU saved on 246 MB). Where stdbuf or its
// preload library is missing, git runs as it is.
import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';

const LIBRARY_DIRS = ['/usr/libexec/coreutils', '/usr/lib/coreutils', '/usr/local/libexec/coreutils', '/usr/lib64/coreutils'];

const found = new Map<string, string | null>();

function findStdbuf(path: string): string | null {
  const library = LIBRARY_DIRS.some((dir) => accessible(join(dir, 'libstdbuf.so'), constants.R_OK));
  if (!library) return null;
  for (const dir of path.split(delimiter)) {
    if (dir && accessible(join(dir, 'stdbuf'), constants.X_OK)) return join(dir, 'stdbuf');
  }
  return null;
}

function accessible(file: string, mode: number): boolean {
  try {
    accessSync(file, mode);
    return true;
  } catch {
    return false;
  }
}

/** The command and arguments that run git with a large stdout buffer (or plain git). */
export function bufferedGit(args: string[], env: NodeJS.ProcessEnv): { file: string; args: string[] } {
  const path = env.PATH ?? '/usr/bin:/bin';
  let stdbuf = found.get(path);
  if (stdbuf === undefined) found.set(path, (stdbuf = findStdbuf(path)));
  return stdbuf ? { file: stdbuf, args: ['-o', '1M', 'git', ...args] } : { file: 'git', args };
}
