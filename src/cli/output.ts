// Colour and output helpers for people. Colour only on a terminal, never with NO_COLOR or --no-color.
import { Chalk, type ChalkInstance } from 'chalk';
import type { Env } from '../config/paths.ts';

export function colorLevel(stream: { isTTY?: boolean }, env: Env, colorFlag: boolean | undefined): 0 | 1 | 2 | 3 {
  if (colorFlag === false) return 0;
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return 0;
  if (colorFlag === true || (env.FORCE_COLOR !== undefined && env.FORCE_COLOR !== '0')) return env.COLORTERM === 'truecolor' ? 3 : 2;
  if (!stream.isTTY || env.TERM === 'dumb') return 0;
  return env.COLORTERM === 'truecolor' ? 3 : 2;
}

export function makeChalk(stream: { isTTY?: boolean }, env: Env, colorFlag: boolean | undefined): ChalkInstance {
  return new Chalk({ level: colorLevel(stream, env, colorFlag) });
}
