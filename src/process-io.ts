// The streams, environment and working directory a role runs with. Domain code takes these as
// arguments instead of reaching for globals, so tests can drive it directly.
import type { Readable, Writable } from 'node:stream';
import type { Env } from './config/paths.ts';

export interface ProcessIO {
  stdin: Readable;
  stdout: Writable & { isTTY?: boolean };
  stderr: Writable & { isTTY?: boolean };
  env: Env;
  cwd: string;
}

export function realProcessIO(): ProcessIO {
  return { stdin: process.stdin, stdout: process.stdout, stderr: process.stderr, env: process.env, cwd: process.cwd() };
}
