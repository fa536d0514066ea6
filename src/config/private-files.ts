// Files that hold secrets (keys, tokens, the store) are created 0600 and refused if looser.
import { chmodSync, closeSync, fsyncSync, linkSync, mkdirSync, openSync, renameSync, rmSync, statSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import { GatehouseError } from '../errors.ts';

export function ensurePrivateDir(path: string): void {
  mkdirSync(path, { recursive: true, mode: 0o700 });
}

/** Mode bits other than the owner's that make a secret file unsafe, or 0 when it is private. */
export function looseModeBits(path: string): number {
  return statSync(path).mode & 0o077;
}

export function assertPrivateFile(path: string, what: string): void {
  const loose = looseModeBits(path);
  if (loose !== 0) {
    const mode = (statSync(path).mode & 0o777).toString(8);
    throw new GatehouseError(`${what} ${path} is readable by others (mode ${mode}); refusing to use it`, {
      hint: `run: chmod 600 ${path}`,
    });
  }
}

/** Writes a file that only the owner can read, atomically (temp file + rename). */
export function writePrivateFile(path: string, data: string | Uint8Array): void {
  const temp = writePrivateTemp(path, data);
  renameSync(temp, path);
}

/** A 0600 file next to path with data in it, flushed; the caller moves it into place. */
function writePrivateTemp(path: string, data: string | Uint8Array): string {
  ensurePrivateDir(dirname(path));
  const temp = `${path}.tmp-${process.pid}-${Math.random().toString(36).slice(2)}`;
  const fd = openSync(temp, 'wx', 0o600);
  try {
    writeSync(fd, typeof data === 'string' ? Buffer.from(data) : data);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  chmodSync(temp, 0o600); // openSync's mode is filtered by the umask
  return temp;
}

/**
 * Creates a private file only if none exists yet, atomically: two processes creating the same
 * key at once end up with one key, not one each. Returns false when the file already existed.
 */
export function createPrivateFileOnce(path: string, data: string | Uint8Array): boolean {
  const temp = writePrivateTemp(path, data);
  try {
    linkSync(temp, path); // fails with EEXIST if another process got there first
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  } finally {
    rmSync(temp, { force: true });
  }
}
