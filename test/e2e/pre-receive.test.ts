// The pre-receive gate with real git pushes into a mirror whose hook is the built binary.
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { assertBuilt, BINARY, run } from '../helpers/binary.ts';
import { createGate } from '../helpers/gate.ts';
import { FAKE } from '../helpers/secrets.ts';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

describe('pre-receive gate', () => {
  before(assertBuilt);

  it('forwards a clean push upstream', (t) => {
    const gate = createGate(t);
    const commit = gate.client.commit('feature', { 'src/feature.js': 'export const x = 1;\n' });
    const { code, output } = gate.push('-q', 'origin', 'main');
    assert.equal(code, 0, output);
    assert.equal(gate.upstream.ref('refs/heads/main'), commit);
    assert.equal(gate.mirror.ref('refs/heads/main'), commit);
    assert.match(output, /no secrets; forwarded to upstream/);
  });

  it('a secret in one of three pushed refs refuses all three, here and upstream, and shows it redacted', (t) => {
    const gate = createGate(t);
    const before = gate.upstream.ref('refs/heads/main');
    gate.client.git('checkout', '-q', '-b', 'one');
    gate.client.commit('one', { 'one.txt': 'fine\n' });
    gate.client.git('checkout', '-q', '-b', 'two');
    gate.client.commit('two', { 'config/prod.env': `GITHUB_TOKEN=${FAKE.githubPat()}\n` });
    gate.client.git('checkout', '-q', '-b', 'three', 'main');
    gate.client.commit('three', { 'three.txt': 'fine\n' });
    const { code, output } = gate.push('origin', 'one', 'two', 'three');
    assert.notEqual(code, 0);
    assert.match(output, /push REJECTED: secrets found/);
    assert.match(output, /github-pat .*config\/prod\.env:1/);
    assert.equal(output.includes(FAKE.githubPat()), false, 'the secret must not reach the client');
    assert.equal(output.includes(FAKE.githubPat().slice(4, 20)), false, 'not even part of it');
    for (const ref of ['one', 'two', 'three']) {
      assert.equal(gate.mirror.ref(`refs/heads/${ref}`), null, ref);
      assert.equal(gate.upstream.ref(`refs/heads/${ref}`), null, ref);
    }
    assert.equal(gate.upstream.ref('refs/heads/main'), before);
  });

  it('refuses a secret introduced only in a merge resolution', (t) => {
    const gate = createGate(t);
    gate.client.git('checkout', '-q', '-b', 'side');
    gate.client.commit('side', { 'side.txt': 'side\n' });
    gate.client.git('checkout', '-q', 'main');
    gate.client.commit('main', { 'main.txt': 'main\n' });
    gate.client.git('merge', '-q', '--no-ff', '--no-commit', 'side');
    gate.client.write('resolution.txt', `resolved with ${FAKE.githubApp}\n`);
    gate.client.git('add', '-A');
    gate.client.git('commit', '-q', '-m', 'merge');
    const { code, output } = gate.push('origin', 'main', 'side');
    assert.notEqual(code, 0);
    assert.match(output, /github-app-token .*resolution\.txt:1/);
    assert.equal(gate.upstream.ref('refs/heads/side'), null);
  });

  it('refuses a secret in an annotated tag message, and in a commit message', (t) => {
    const gate = createGate(t);
    gate.client.commit('clean', { 'a.txt': 'a\n' });
    gate.client.git('tag', '-a', 'v1', '-m', `notes ${FAKE.githubOauth}`);
    const tag = gate.push('origin', 'main', 'v1');
    assert.notEqual(tag.code, 0);
    assert.match(tag.output, /github-oauth +\(message of tag v1\) line 1/);
    assert.equal(gate.upstream.ref('refs/tags/v1'), null);
    gate.client.git('tag', '-d', 'v1');
    gate.client.commit(`message with ${FAKE.githubPat(7)}`, { 'b.txt': 'b\n' });
    const message = gate.push('origin', 'main');
    assert.notEqual(message.code, 0);
    assert.match(message.output, /github-pat .*\(commit message\)/);
  });

  it('keeps no secret in its state: the verdict cache holds only clean verdicts, the log only redacted findings', (t) => {
    const gate = createGate(t);
    const secret = FAKE.githubPat(11);
    gate.client.commit('clean first', { 'ok.txt': 'fine\n' });
    assert.equal(gate.push('-q', 'origin', 'main').code, 0);
    gate.client.commit('leak', { 'deploy/.env': `GITHUB_TOKEN=${secret}\n`, 'deploy/other.txt': 'also fine\n' });
    assert.notEqual(gate.push('origin', 'main').code, 0);
    const stateDir = join(gate.root, 'state/gatehouse');
    const files = readdirSync(stateDir, { recursive: true }).map(String).filter((f) => !f.startsWith('mirrors') && statSync(join(stateDir, f)).isFile());
    assert.ok(files.some((f) => f.startsWith('gatehouse.db')), `the store was written: ${files.join(', ')}`);
    for (const file of files) {
      const bytes = readFileSync(join(stateDir, file));
      assert.equal(bytes.includes(secret.slice(4)), false, `${file} holds the secret`);
    }
  });

  it('refuses a secret added and deleted again within the same push', (t) => {
    const gate = createGate(t);
    gate.client.commit('add', { 'leak.txt': `${FAKE.githubPat(3)}\n` });
    gate.client.git('rm', '-q', 'leak.txt');
    gate.client.commit('remove');
    const { code, output } = gate.push('origin', 'main');
    assert.notEqual(code, 0);
    assert.match(output, /github-pat .*leak\.txt:1/);
  });

  it("ignores the repository's own .gitleaks.toml, .gitleaksignore and gitleaks:allow comments", (t) => {
    const gate = createGate(t);
    gate.client.commit('try to allowlist', {
      '.gitleaks.toml': '[extend]\nuseDefault = true\ndisabledRules = ["github-pat"]\n[allowlist]\npaths = [".*"]\n',
      '.gitleaksignore': '*\n',
      'sneaky.txt': `${FAKE.githubPat(4)} # gitleaks:allow\n`,
    });
    const { code, output } = gate.push('origin', 'main');
    assert.notEqual(code, 0);
    assert.match(output, /github-pat .*sneaky\.txt:1/);
  });

  it('does not clobber an upstream that moved since the last refresh (lease), and changes nothing', (t) => {
    const gate = createGate(t);
    // Someone else pushes straight to the upstream.
    const other = gate.client.git('rev-parse', 'HEAD').trim();
    gate.client.git('checkout', '-q', '-b', 'tmp');
    const theirs = gate.client.commit('theirs', { 'theirs.txt': 'theirs\n' });
    gate.client.git('push', '-q', gate.upstream.dir, 'tmp:main');
    gate.client.git('checkout', '-q', 'main');
    gate.client.git('branch', '-q', '-D', 'tmp');
    const ours = gate.client.commit('ours', { 'ours.txt': 'ours\n' });
    assert.notEqual(ours, other);
    const { code, output } = gate.push('origin', 'main');
    assert.notEqual(code, 0);
    assert.match(output, /upstream refused it/);
    assert.equal(gate.upstream.ref('refs/heads/main'), theirs);
    assert.notEqual(gate.mirror.ref('refs/heads/main'), ours);
  });

  it('refuses when the upstream is unreachable', (t) => {
    const gate = createGate(t);
    gate.mirror.git('config', 'gatehouse.upstream', `${gate.root}/no-such-upstream.git`);
    gate.client.commit('c', { 'c.txt': 'c\n' });
    const { code, output } = gate.push('origin', 'main');
    assert.notEqual(code, 0);
    assert.match(output, /upstream refused it/);
    assert.notEqual(gate.mirror.ref('refs/heads/main'), gate.client.ref('HEAD'));
  });

  it('forwards deletions and tags, each leased', (t) => {
    const gate = createGate(t);
    gate.client.git('checkout', '-q', '-b', 'topic');
    gate.client.commit('topic', { 't.txt': 't\n' });
    gate.client.git('tag', '-a', 'v2', '-m', 'clean release');
    assert.equal(gate.push('-q', 'origin', 'topic', 'v2').code, 0);
    assert.ok(gate.upstream.ref('refs/heads/topic'));
    assert.ok(gate.upstream.ref('refs/tags/v2'));
    const deleted = gate.push('-q', 'origin', ':topic');
    assert.equal(deleted.code, 0, deleted.output);
    assert.equal(gate.upstream.ref('refs/heads/topic'), null);
  });

  it('applies the ref policy: allowed patterns, protected refs', (t) => {
    const gate = createGate(t);
    gate.mirror.git('config', '--add', 'gatehouse.allowRef', 'refs/heads/agent/*');
    gate.mirror.git('config', '--add', 'gatehouse.allowRef', 'refs/heads/main');
    gate.mirror.git('config', '--add', 'gatehouse.protectRef', 'refs/heads/main');
    gate.client.git('checkout', '-q', '-b', 'feature');
    gate.client.commit('f', { 'f.txt': 'f\n' });
    const outside = gate.push('origin', 'feature');
    assert.notEqual(outside.code, 0);
    assert.match(outside.output, /refs\/heads\/feature: pushes may only touch refs\/heads\/agent\/\*, refs\/heads\/main/);
    assert.equal(gate.push('-q', 'origin', 'feature:agent/f').code, 0);
    const deletion = gate.push('origin', ':main');
    assert.match(deletion.output, /protected ref: deletion is not allowed/);
    gate.client.git('checkout', '-q', 'main');
    gate.client.git('commit', '-q', '--amend', '-m', 'rewritten');
    const force = gate.push('-f', 'origin', 'main');
    assert.notEqual(force.code, 0);
    assert.match(force.output, /protected ref: non-fast-forward/);
  });

  it('a one-time bypass token lets one push through, audited; a second use is refused', async (t) => {
    const gate = createGate(t);
    gate.mirror.git('config', 'receive.advertisePushOptions', 'true');
    const minted = await run(BINARY, ['token', 'mint', '--bypass', '--repo', 'app', '--reason', 'fixture reviewed'], { env: gate.env });
    assert.equal(minted.code, 0, minted.stderr);
    const token = minted.stdout.trim();
    gate.client.commit('fixture', { 'fixtures/token.txt': `${FAKE.githubPat(8)}\n` });
    const first = gate.push('-o', `gatehouse.bypass=${token}`, 'origin', 'main');
    assert.equal(first.code, 0, first.output);
    assert.match(first.output, /scan BYPASSED with one-time token/);
    assert.match(first.output, /gatehouse: scan bypassed \(one-time token [0-9a-f-]+\); forwarded to upstream\./);
    assert.doesNotMatch(first.output, /no secrets/, 'a bypassed push was not found clean');
    assert.equal(gate.upstream.ref('refs/heads/main'), gate.client.ref('HEAD'));
    gate.client.commit('again', { 'fixtures/token2.txt': `${FAKE.githubPat(9)}\n` });
    const second = gate.push('-o', `gatehouse.bypass=${token}`, 'origin', 'main');
    assert.notEqual(second.code, 0);
    assert.match(second.output, /bypass token refused \(bypass token was already used\)/);
    const forged = gate.push('-o', 'gatehouse.bypass=eyJhbGciOiJIUzI1NiJ9.e30.AAAA', 'origin', 'main');
    assert.notEqual(forged.code, 0);
    assert.match(forged.output, /bypass token refused \(token invalid\)/);
  });
});
