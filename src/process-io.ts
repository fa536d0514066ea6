// The streams, environment and working directory a role runs with. Domain code takes these as
// arguments instead of reaching for globals, so tests can drive it directly.
import { readSync, writeSync } from 'node:fs';
import type { Readable, Writable } from 'node:stream';
import type { Env } from './config/paths.ts';

export interface ProcessIO {
  stdin: Readable;
  stdout: Writable & { isTTY?: boolean };
  stderr: Writable & { isTTY?: boolean };
  env: Env;
  cwd: string;
  /**
   * The real process's descriptors, for hot paths that read a short request and write a short
   * answer (the credential helper): plain reads and writes, no stream objects to build.
   */
  fds?: { stdin: number; stdout: number };
}

export function realProcessIO(): ProcessIO {
  // process.stdin/stdout/stderr are built on first use (for a pipe that loads the net module,
  // several milliseconds): a role that never touches one does not pay for it.
  return {
    get stdin() {
      return process.stdin;
    },
    get stdout() {
      return process.stdout;
    },
    get stderr() {
      return process.stderr;
    },
    env: process.env,
    cwd: process.cwd(),
    fds: { stdin: 0, stdout: 1 },
  };
}

/**
 * Reads the descriptor synchronously, handing each chunk to `take` until it answers true or the
 * input ends. Returns false, having read nothing, when the descriptor would block before any
 * byte came (it is non-blocking): the caller reads the stream instead. If it would block later,
 * the read waits a little and tries again.
 */
export function readFdUntil(fd: number, take: (chunk: Buffer) => boolean): boolean {
  let read = 0;
  let waitMs = 1;
  for (;;) {
    const chunk = Buffer.allocUnsafe(16 * 1024);
    let n: number;
    try {
      n = readSync(fd, chunk, 0, chunk.length, null);
      waitMs = 1;
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'EAGAIN' && read === 0) return false;
      if (code === 'EAGAIN') {
        Atomics.wait(SLEEPER, 0, 0, waitMs);
        waitMs = Math.min(waitMs * 2, 20);
        continue;
      }
      if (code === 'EOF') return true;
      throw error;
    }
    if (n === 0) return true;
    read += n;
    if (take(chunk.subarray(0, n))) return true;
  }
}

const SLEEPER = new Int32Array(new SharedArrayBuffer(4));

/** Writes all of text to the descriptor; false when it would block (the caller writes the stream instead). */
export function writeFdAll(fd: number, text: string): boolean {
  const data = Buffer.from(text, 'utf8');
  let offset = 0;
  while (offset < data.length) {
    try {
      offset += writeSync(fd, data, offset, data.length - offset);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EAGAIN') throw error;
      if (offset === 0) return false;
      Atomics.wait(SLEEPER, 0, 0, 2); // the reader is slow: wait for room
    }
  }
  return true;
}
