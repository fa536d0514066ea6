// The README's first command: `gatehouse demo` on this machine, no network.
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { assertBuilt, BINARY, run } from '../helpers/binary.ts';
import { tempDir } from '../helpers/tmp.ts';

describe('gatehouse demo', () => {
  before(assertBuilt);

  it('clones through the gate, forwards a clean push, refuses the planted key without showing it', async (t) => {
    const home = tempDir(t);
    const result = await run(BINARY, ['demo'], { env: { PATH: process.env.PATH, HOME: home }, timeoutMs: 60_000 });
    assert.equal(result.code, 0, result.stdout + result.stderr);
    assert.match(result.stdout, /\[5\/6\][\s\S]*forwarded to upstream[\s\S]*arrived upstream:[\s\S]*add hello/);
    assert.match(result.stdout, /\[6\/6\][\s\S]*push REJECTED: secrets found[\s\S]*github-pat/);
    assert.match(result.stdout, /Demo complete/);
    assert.doesNotMatch(result.stdout, /ghp_[A-Za-z0-9]{36}/, 'the planted token never appears');
    assert.equal(result.stdout.includes('\x1b['), false, 'no colour when not a terminal');
  });
});
