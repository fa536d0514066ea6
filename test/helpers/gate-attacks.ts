// What every attack on the gate checks, and the ways an attacker writes objects git would not.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { GateDaemon } from './gate-daemon.ts';
import { GIT_ENV, type TestRepo } from './git.ts';

/** The push was refused, and the planted value reached neither the client's screen, the upstream nor the gate log. */
export function assertRefused(gate: GateDaemon, result: { code: number; output: string }, planted: string, expect?: RegExp): void {
  assert.notEqual(result.code, 0, result.output);
  assert.match(result.output, /push REJECTED/, result.output);
  if (expect) assert.match(result.output, expect);
  // What the gate said; the client's own git also prints the ref names it pushed, which it knows.
  const said = result.output.split('\n').filter((l) => l.startsWith('remote:')).join('\n');
  assert.equal(said.includes(planted), false, `the gate showed the planted value:\n${said}`);
  assert.equal(said.includes(planted.slice(6, 18)), false, `the gate showed part of the planted value:\n${said}`);
  assert.equal(gate.upstreamHolds(planted), false, 'the planted value reached the upstream');
  const log = join(gate.root, 'state/gatehouse/gate.log');
  assert.equal(existsSync(log) && readFileSync(log, 'utf8').includes(planted), false, 'the planted value reached the gate log');
}

/** An object written straight into a clone's object store; returns its id. */
export function hashObject(repo: TestRepo, type: string, content: Buffer | string): string {
  return execFileSync('git', ['hash-object', '-w', '-t', type, '--literally', '--stdin'], { cwd: repo.dir, env: GIT_ENV, input: content }).toString().trim();
}
