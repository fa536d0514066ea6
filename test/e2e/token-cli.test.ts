// gatehouse token verify | revoke: the token comes on stdin or from --token-file, never from argv
// (where ps shows it to every user); revoke also takes a token id. verify answers 0 (valid) or
// 1 (revoked, expired, not ours); usage errors are 2, and never echo what was given.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { assertBuilt, BINARY, run } from '../helpers/binary.ts';
import { shimSandbox, type ShimSandbox } from '../helpers/shim.ts';
import { TestRepo } from '../helpers/git.ts';

describe('token verify and revoke', () => {
  const cleanups: Array<() => void> = [];
  let box: ShimSandbox;
  let other: ShimSandbox;

  const gatehouse = (args: string[], input?: string, sandbox?: ShimSandbox) => run(BINARY, ['token', ...args], { env: (sandbox ?? box).env, ...(input !== undefined ? { input } : {}) });
  const mint = async (sandbox?: ShimSandbox) => {
    const r = await run(BINARY, ['--json', 'token', 'mint', '--repo', 'app'], { env: (sandbox ?? box).env });
    assert.equal(r.code, 0, r.stderr);
    const parsed = JSON.parse(r.stdout) as { token: string; claims: { jti: string } };
    return { token: parsed.token, jti: parsed.claims.jti };
  };

  before(async () => {
    assertBuilt();
    box = shimSandbox({ after: (fn) => cleanups.push(fn) }, 'gatehouse-token');
    other = shimSandbox({ after: (fn) => cleanups.push(fn) }, 'gatehouse-token-other');
    // git tokens name a mirror that exists.
    for (const sandbox of [box, other]) {
      const upstream = new TestRepo(join(sandbox.root, 'upstream.git'), { bare: true });
      const added = await run(BINARY, ['mirror', 'add', 'app', upstream.dir], { env: sandbox.env });
      assert.equal(added.code, 0, added.stderr);
    }
  });

  after(() => {
    for (const fn of cleanups) fn();
  });

  it('verify reads the token from stdin, or from --token-file: 0 and what it is', async () => {
    const { token, jti } = await mint();
    const viaStdin = await gatehouse(['verify'], `${token}\n`);
    assert.equal(viaStdin.code, 0, viaStdin.stderr);
    assert.match(viaStdin.stdout, new RegExp(`valid git token ${jti} for app`));
    const file = join(box.root, 'token.txt');
    writeFileSync(file, `${token}\n`, { mode: 0o600 });
    const viaFile = await gatehouse(['verify', '--token-file', file]);
    assert.equal(viaFile.code, 0, viaFile.stderr);
    assert.match(viaFile.stdout, new RegExp(jti));
  });

  it('a token in argv is a usage error (2) for verify and revoke, not echoed, and nothing is revoked', async () => {
    const { token } = await mint();
    for (const action of ['verify', 'revoke']) {
      const r = await gatehouse([action, token]);
      assert.equal(r.code, 2, `${action}: ${r.stdout}${r.stderr}`);
      assert.match(r.stderr, /reads the token from stdin or --token-file, never from an argument/);
      assert.ok(!(r.stdout + r.stderr).includes(token), `${action} echoed the token`);
    }
    assert.equal((await gatehouse(['verify'], token)).code, 0, 'the token was revoked by a refused command');
  });

  it('revoke from stdin: then verify says no (1)', async () => {
    const { token, jti } = await mint();
    const revoked = await gatehouse(['revoke'], token);
    assert.equal(revoked.code, 0, revoked.stderr);
    assert.match(revoked.stdout, new RegExp(`revoked git token ${jti}`));
    const verify = await gatehouse(['verify'], token);
    assert.equal(verify.code, 1, verify.stdout + verify.stderr);
    assert.match(verify.stderr, /revoked/);
  });

  it('revoke by token id (the positional): then verify says no (1)', async () => {
    const { token, jti } = await mint();
    const revoked = await gatehouse(['revoke', jti]);
    assert.equal(revoked.code, 0, revoked.stderr);
    assert.match(revoked.stdout, new RegExp(jti));
    assert.equal((await gatehouse(['verify'], token)).code, 1);
  });

  it('verify of a token that is not ours or not a token: 1; revoke of one: 1, nothing revoked', async () => {
    const foreign = await mint(other);
    for (const bad of [foreign.token, 'not-a-token', `${foreign.token.slice(0, -4)}AAAA`]) {
      const r = await gatehouse(['verify'], bad);
      assert.equal(r.code, 1, `${bad}: ${r.stdout}${r.stderr}`);
      assert.match(r.stderr, /invalid/);
      assert.equal((await gatehouse(['revoke'], bad)).code, 1);
    }
  });

  it('no token on stdin, an unreadable --token-file, a token id and a file at once: 2', async () => {
    assert.equal((await gatehouse(['verify'], '')).code, 2);
    assert.equal((await gatehouse(['revoke'], '\n')).code, 2);
    assert.equal((await gatehouse(['verify', '--token-file', join(box.root, 'missing')])).code, 2);
    const { jti } = await mint();
    const file = join(box.root, 'token.txt');
    assert.equal((await gatehouse(['revoke', jti, '--token-file', file])).code, 2);
  });
});
