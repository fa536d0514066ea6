// The fence around a refresh's writes into a mirror. The holder of a mirror's refresh lock copies
// its lock token into <mirror>/gatehouse/refresh-fence; every ref update of its fetch passes
// through a reference-transaction hook that lets it commit only while that file still holds the
// same token. A refresh whose holder was killed leaves its git fetch running (the fetch is not
// in the holder's process): once the next holder has written its own token, that orphan's ref
// updates are refused instead of landing on top of the newer refresh. The gate's own writes
// (HEAD, the purge, the recorded refs) check the same file first.
import { chmodSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const FENCE_FILE = 'refresh-fence';
const HOOKS_DIR = 'fence-hooks';

/**
 * git runs it with the transaction's state as $1 and the updates on stdin. Only "prepared" can
 * stop a transaction; the check runs while git holds the refs' lock files.
 */
const HOOK = `#!/bin/sh
# reference-transaction hook of gatehouse's refresh fetch (written by gatehouse; see refresh-fence.ts)
[ "$1" = prepared ] || exit 0
cat >/dev/null
if [ -n "$GATEHOUSE_REFRESH_FENCE" ] && [ "$(cat "$GATEHOUSE_REFRESH_FENCE_FILE" 2>/dev/null)" = "$GATEHOUSE_REFRESH_FENCE" ]; then exit 0; fi
echo "gatehouse: this refresh no longer holds the mirror's lock; its ref updates are refused" >&2
exit 1
`;

function stateDir(gitDir: string): string {
  const dir = join(gitDir, 'gatehouse');
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  return dir;
}

/** Makes token the current one: from here on only writes carrying it pass. */
export function raiseFence(gitDir: string, token: string): void {
  const dir = stateDir(gitDir);
  const temporary = join(dir, `${FENCE_FILE}.${process.pid}.tmp`);
  writeFileSync(temporary, token, { mode: 0o600 });
  renameSync(temporary, join(dir, FENCE_FILE));
}

export function fenceIsCurrent(gitDir: string, token: string): boolean {
  try {
    return readFileSync(join(gitDir, 'gatehouse', FENCE_FILE), 'utf8') === token;
  } catch {
    return false;
  }
}

/** The hooks directory (core.hooksPath) and environment for a fetch whose ref updates carry token. */
export function fencedFetch(gitDir: string, token: string): { hooksPath: string; env: NodeJS.ProcessEnv } {
  const hooksPath = join(stateDir(gitDir), HOOKS_DIR);
  const hook = join(hooksPath, 'reference-transaction');
  let current: string | null = null;
  try {
    current = readFileSync(hook, 'utf8');
  } catch {
    // not written yet
  }
  if (current !== HOOK) {
    mkdirSync(hooksPath, { recursive: true, mode: 0o700 });
    const temporary = `${hook}.${process.pid}.tmp`;
    writeFileSync(temporary, HOOK, { mode: 0o700 });
    chmodSync(temporary, 0o700);
    renameSync(temporary, hook);
  }
  return { hooksPath, env: { GATEHOUSE_REFRESH_FENCE: token, GATEHOUSE_REFRESH_FENCE_FILE: join(gitDir, 'gatehouse', FENCE_FILE) } };
}
