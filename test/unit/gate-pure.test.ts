import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { prepareAccessHook } from '../../src/gate/daemon.ts';
import { clientGitconfig, upstreamSpellings } from '../../src/gate/gitconfig.ts';
import { checkRefPolicy } from '../../src/gate/ref-policy.ts';
import { globToRegExp } from '../../src/config/glob.ts';
import { isValidRefName, parseRefUpdates, RefUpdateError } from '../../src/gate/ref-updates.ts';
import { compareUpstreamRefs, everyRefRefused, failedBeforeSending, forwardArguments } from '../../src/gate/forward.ts';
import { validateMirrorName, validateUpstreamUrl } from '../../src/gate/mirrors.ts';
import { tokenFromAuthorization } from '../../src/gate/http-git.ts';
import type { MirrorSettings } from '../../src/gate/mirror-settings.ts';

const A = 'a'.repeat(40);
const B = 'b'.repeat(40);
const Z = '0'.repeat(40);

describe('ref updates (attacker-controlled lines)', () => {
  it('parses git lines and refuses anything else', () => {
    assert.deepEqual(parseRefUpdates(`${A} ${B} refs/heads/main\n${Z} ${B} refs/tags/v1\n`), [
      { oldOid: A, newOid: B, ref: 'refs/heads/main' },
      { oldOid: Z, newOid: B, ref: 'refs/tags/v1' },
    ]);
    for (const bad of [`${A} ${B}`, `${A} ${B} main`, `${A.slice(1)} ${B} refs/heads/x`, `${A} ${B} refs/heads/a b`, `${A} ${B} refs/heads/x\0y`, `${A} ${B} refs/heads/../x`, `${A} ${B} refs/heads/x.lock`, `${A} ${B} refs/heads/.hidden`]) {
      assert.throws(() => parseRefUpdates(bad), RefUpdateError, JSON.stringify(bad));
    }
  });

  it('applies git check-ref-format rules', () => {
    assert.ok(isValidRefName('refs/heads/agent/feature-1'));
    for (const bad of ['refs/heads/a..b', 'refs/heads/a@{1}', 'refs/heads/a~1', 'refs/heads/a^', 'refs/heads/a:b', 'refs/heads/a?', 'refs/heads/a*', 'refs/heads/a[b', 'refs/heads/a\\b', 'refs/heads/', 'refs//x', 'refs/heads/x.', 'heads/x']) {
      assert.equal(isValidRefName(bad), false, bad);
    }
  });
});

describe('ref policy', () => {
  const never = async () => false;
  const always = async () => true;
  it('globs: * stays within a segment, ** crosses', () => {
    assert.ok(globToRegExp('refs/heads/agent/*').test('refs/heads/agent/x'));
    assert.equal(globToRegExp('refs/heads/agent/*').test('refs/heads/agent/x/y'), false);
    assert.ok(globToRegExp('refs/heads/agent/**').test('refs/heads/agent/x/y'));
    assert.equal(globToRegExp('refs/heads/a.b').test('refs/heads/aXb'), false);
  });
  it('allows only listed refs, protects deletion and rewinds', async () => {
    const policy = { allow: ['refs/heads/agent/*', 'refs/heads/main'], protect: ['refs/heads/main'] };
    assert.deepEqual(await checkRefPolicy([{ oldOid: A, newOid: B, ref: 'refs/heads/agent/x' }], policy, never), []);
    assert.equal((await checkRefPolicy([{ oldOid: A, newOid: B, ref: 'refs/heads/other' }], policy, always)).length, 1);
    assert.match((await checkRefPolicy([{ oldOid: A, newOid: Z, ref: 'refs/heads/main' }], policy, always))[0]!.reason, /deletion/);
    assert.match((await checkRefPolicy([{ oldOid: A, newOid: B, ref: 'refs/heads/main' }], policy, never))[0]!.reason, /non-fast-forward/);
    assert.deepEqual(await checkRefPolicy([{ oldOid: A, newOid: B, ref: 'refs/heads/main' }], policy, always), []);
    assert.deepEqual(await checkRefPolicy([{ oldOid: Z, newOid: B, ref: 'refs/heads/main' }], policy, never), []);
  });
});

describe('forwarding', () => {
  it('leases every ref to the value the mirror had, deletions and creations included', () => {
    assert.deepEqual(forwardArguments('https://up.example.test/app.git', [
      { oldOid: A, newOid: B, ref: 'refs/heads/main' },
      { oldOid: Z, newOid: B, ref: 'refs/tags/v1' },
      { oldOid: A, newOid: Z, ref: 'refs/heads/old' },
    ]).slice(-7), [
      '--force-with-lease=refs/heads/main:' + A,
      '--force-with-lease=refs/tags/v1:',
      '--force-with-lease=refs/heads/old:' + A,
      'https://up.example.test/app.git',
      `${B}:refs/heads/main`,
      `${B}:refs/tags/v1`,
      ':refs/heads/old',
    ]);
  });

  it("reads a refusal only when git push --porcelain refused every ref; anything else is not an answer", () => {
    const updates = [
      { oldOid: A, newOid: B, ref: 'refs/heads/main' },
      { oldOid: Z, newOid: B, ref: 'refs/heads/other' },
    ];
    const lease = `To up\n!\t${B}:refs/heads/main\t[rejected] (stale info)\n!\t${B}:refs/heads/other\t[rejected] (atomic push failed)\nDone\n`;
    assert.equal(everyRefRefused(lease, updates), true);
    const hook = `To up\n!\t${B}:refs/heads/main\t[remote rejected] (pre-receive hook declined)\n!\t${B}:refs/heads/other\t[remote rejected] (pre-receive hook declined)\nDone\n`;
    assert.equal(everyRefRefused(hook, updates), true);
    assert.equal(everyRefRefused(`To up\n!\t${B}:refs/heads/main\t[rejected] (stale info)\n`, updates), false, 'one ref without an answer');
    assert.equal(everyRefRefused(`To up\n!\t${B}:refs/heads/main\t[remote failure] (remote failed to report status)\n!\t${B}:refs/heads/other\t[remote failure]\n`, updates), false);
    assert.equal(everyRefRefused('', updates), false);
    assert.equal(everyRefRefused(`!\t:refs/heads/gone\t[remote rejected] (deletion prohibited)\n`, [{ oldOid: A, newOid: Z, ref: 'refs/heads/gone' }]), true);
  });

  it("reads git's first-contact failures as nothing sent, and a failure after contact as unknown", () => {
    for (const before of [
      "fatal: unable to access 'http://127.0.0.1:9/app.git/': Failed to connect to 127.0.0.1 port 9 after 0 ms: Couldn't connect to server\n",
      "fatal: unable to access 'https://up.example.test/app.git/': The requested URL returned error: 302\n",
      "remote: Not Found\nfatal: repository 'https://up.example.test/app.git/' not found\n",
      "fatal: Authentication failed for 'https://up.example.test/app.git/'\n",
      "fatal: could not read Username for 'http://127.0.0.1:1/app.git': terminal prompts disabled\n",
      "fatal: '/srv/none.git' does not appear to be a git repository\nfatal: Could not read from remote repository.\n\nPlease make sure you have the correct access rights\nand the repository exists.\n",
      'ssh: connect to host up.example.test port 22: Connection refused\nfatal: Could not read from remote repository.\n',
    ]) assert.equal(failedBeforeSending(before), true, before);
    for (const after of [
      'error: RPC failed; HTTP 502 curl 22 The requested URL returned error: 502\nsend-pack: unexpected disconnect while reading sideband packet\nfatal: the remote end hung up unexpectedly\n',
      'fatal: the remote end hung up unexpectedly\n',
      'Connection to up.example.test closed by remote host.\nfatal: the remote end hung up unexpectedly\n',
      '',
    ]) assert.equal(failedBeforeSending(after), false, after);
  });

  it('holds a push as taken when the upstream refs are exactly the pushed values, a deletion absent', () => {
    const updates = [
      { oldOid: A, newOid: B, ref: 'refs/heads/main' },
      { oldOid: A, newOid: Z, ref: 'refs/heads/old' },
      { oldOid: Z, newOid: A, ref: 'refs/tags/v1' },
    ];
    const now = `${B}\trefs/heads/main\n${A}\trefs/tags/v1\n${B}\trefs/tags/v1^{}\n${A}\trefs/heads/x/refs/heads/old\n`;
    assert.deepEqual(compareUpstreamRefs(now, updates), { holds: true }, 'names match exactly, not by tail');
    assert.deepEqual(compareUpstreamRefs(`${A}\trefs/heads/main\n${A}\trefs/heads/old\n${A}\trefs/tags/v1\n`, updates), { holds: false, differs: ['refs/heads/main', 'refs/heads/old'] });
    assert.deepEqual(compareUpstreamRefs('', updates), { holds: false, differs: ['refs/heads/main', 'refs/tags/v1'] });
  });
});

describe('mirrors', () => {
  it('validates names and upstream URLs', () => {
    assert.equal(validateMirrorName('org/app.git'), 'org/app');
    for (const bad of ['', '../x', 'a/../b', '.hidden', 'a b', 'a/', '/abs', 'x.lock', '-rf']) assert.throws(() => validateMirrorName(bad), bad);
    assert.throws(() => validateUpstreamUrl('https://bot:hunter2@host/x.git'), /holds a password/);
    assert.throws(() => validateUpstreamUrl('--upload-pack=evil'));
    validateUpstreamUrl('https://host/x.git');
    validateUpstreamUrl('git@host:org/x.git');
  });
});

describe('client gitconfig', () => {
  it('rewrites https, scp-like and ssh:// spellings, with and without .git', () => {
    const spellings = upstreamSpellings('https://github.com/org/app.git');
    for (const s of ['https://github.com/org/app', 'https://github.com/org/app.git', 'git@github.com:org/app.git', 'ssh://git@github.com/org/app']) assert.ok(spellings.includes(s), s);
    const text = clientGitconfig('git://127.0.0.1:9418/', [{ name: 'app', upstream: 'git@github.com:org/app.git' } as MirrorSettings]);
    assert.match(text, /\[url "git:\/\/127\.0\.0\.1:9418\/app\.git"\]\n(\tinsteadOf = .*\n)*\tinsteadOf = "git@github\.com:org\/app\.git"\n/);
  });
});

describe('smart HTTP auth header', () => {
  it('takes a bearer token or the password of basic auth', () => {
    assert.equal(tokenFromAuthorization('Bearer abc.def'), 'abc.def');
    assert.equal(tokenFromAuthorization(`Basic ${Buffer.from('gatehouse:tok.en').toString('base64')}`), 'tok.en');
    assert.equal(tokenFromAuthorization('Basic bm9jb2xvbg=='), null);
    assert.equal(tokenFromAuthorization(undefined), null);
    assert.equal(tokenFromAuthorization('Digest x'), null);
  });
});

describe("git daemon's access hook script", () => {
  it('answers a push itself and hands everything else, with every argument, to gatehouse', () => {
    const state = mkdtempSync(join(tmpdir(), "gatehouse-access-hook-it's-"));
    try {
      const record = join(state, 'calls');
      const fake = join(state, 'fake-gatehouse');
      writeFileSync(fake, `#!/bin/sh\nprintf '%s|' "$0" "$@" >> "${record}"\nexit 3\n`, { mode: 0o700 });
      const hook = prepareAccessHook(state, fake);
      const push = spawnSync(hook, ['receive-pack', '/m/app.git', 'gate', 'gate', '127.0.0.1', '9418']);
      assert.equal(push.status, 0);
      assert.equal(existsSync(record), false, 'a push never starts gatehouse');
      const fetch = spawnSync(hook, ['upload-pack', '/m/app.git', 'gate', 'gate', '127.0.0.1', '9418']);
      assert.equal(fetch.status, 3, "gatehouse's answer is the hook's answer");
      assert.equal(readFileSync(record, 'utf8'), `${join(state, 'bin/gatehouse-access-hook')}|upload-pack|/m/app.git|gate|gate|127.0.0.1|9418|`);
    } finally {
      rmSync(state, { recursive: true, force: true });
    }
  });
});
