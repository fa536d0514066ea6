// The credential commands as an operator meets them next to git: `credential test URL` answers
// exactly what `git credential fill` gets; the encrypted store keeps answering for hosts no
// [[credential.rule]] covers; `credential logout` removes what login or git stored.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { assertBuilt, BINARY, run } from '../helpers/binary.ts';
import { credentialSandbox, gitCredential, storedCredentials, writeConfig, type CredentialSandbox } from '../helpers/credential.ts';
import { FAKE } from '../helpers/secrets.ts';
import { tempDir } from '../helpers/tmp.ts';

const PASSWORD = 'op-stored-pass-Qw81xZ';
const URL = 'https://git.example.com/org/app.git';

function sandbox(t: { after(fn: () => void): void }, toml?: string): CredentialSandbox {
  const sb = credentialSandbox(tempDir(t, 'gatehouse-cred-op'));
  if (toml) writeConfig(sb, toml);
  return sb;
}

async function approve(sb: CredentialSandbox, url: string, username: string, password: string): Promise<void> {
  const r = await gitCredential(sb, 'approve', `url=${url}\nusername=${username}\npassword=${password}\n`);
  assert.equal(r.code, 0, r.stderr);
}

const gatehouse = (sb: CredentialSandbox, ...args: string[]) => run(BINARY, args, { env: sb.env, cwd: sb.root });

describe('credential commands next to git', () => {
  it('credential test URL answers what git credential fill gets, with and without credential.useHttpPath', async (t) => {
    assertBuilt();
    const sb = sandbox(t);
    await approve(sb, URL, 'bob', PASSWORD);
    const fill = await gitCredential(sb, 'fill', `url=${URL}\n`);
    assert.equal(fill.stdout, `protocol=https\nhost=git.example.com\nusername=bob\npassword=${PASSWORD}\n`);
    const tested = await gatehouse(sb, 'credential', 'test', URL);
    assert.equal(tested.code, 0, tested.stdout + tested.stderr);
    assert.match(tested.stdout, new RegExp(`as bob; secret of ${PASSWORD.length} characters`));
    assert.equal(tested.stdout.includes(PASSWORD), false);

    // With useHttpPath on, git sends the path and the host-wide entry no longer matches.
    writeFileSync(join(sb.root, 'gitconfig'), '[credential]\n\tuseHttpPath = true\n');
    const withPath = await gitCredential(sb, 'fill', `url=${URL}\n`);
    assert.equal(withPath.stdout.includes(PASSWORD), false, 'git does not get the stored credential');
    assert.match(withPath.stderr, /askpass: Password for/);
    const testedWithPath = await gatehouse(sb, 'credential', 'test', URL);
    assert.equal(testedWithPath.code, 1, testedWithPath.stdout);
    assert.match(testedWithPath.stdout, /no rule or stored credential answers https:\/\/git\.example\.com\/org\/app\.git/);
  });

  it('the encrypted store answers, stores and erases for hosts no rule covers; login refuses a host a rule owns', async (t) => {
    assertBuilt();
    const sb = sandbox(t, '[[credential.rule]]\nhost = "github.com"\nsource = "env"\nenv = "GITHUB_TOKEN"\n');
    await approve(sb, URL, 'bob', PASSWORD);
    assert.deepEqual((await storedCredentials(sb)).map((e) => `${e.username}@${e.host}`), ['bob@git.example.com']);
    const fill = await gitCredential(sb, 'fill', `url=${URL}\n`);
    assert.equal(fill.stdout, `protocol=https\nhost=git.example.com\nusername=bob\npassword=${PASSWORD}\n`);
    assert.equal(fill.stderr, '', 'git did not have to ask');
    const tested = await gatehouse(sb, 'credential', 'test', URL);
    assert.match(tested.stdout, /answered by encrypted store \(no rule matched\) \(store\) as bob/);

    // The rule still owns its host: its answer, not the store's.
    const github = await gitCredential(sb, 'fill', 'url=https://github.com/org/app.git\n', { env: { GITHUB_TOKEN: FAKE.githubPat() } });
    assert.match(github.stdout, new RegExp(`password=${FAKE.githubPat()}\n`));
    const owned = await gatehouse(sb, 'credential', 'login', 'github.com', '--username', 'x');
    assert.equal(owned.code, 2, owned.stderr);
    assert.match(owned.stderr, /credential rule https:\/\/github\.com \(source env\) answers https:\/\/github\.com; a stored password would never be used/);

    const reject = await gitCredential(sb, 'reject', `url=${URL}\nusername=bob\npassword=${PASSWORD}\n`);
    assert.equal(reject.code, 0, reject.stderr);
    assert.deepEqual(await storedCredentials(sb), []);
  });

  it('credential logout HOST|URL removes that host, remove --all removes the rest', async (t) => {
    assertBuilt();
    const sb = sandbox(t);
    await approve(sb, URL, 'bob', PASSWORD);
    await approve(sb, 'https://other.example.com/x.git', 'alice', `${PASSWORD}-2`);
    await approve(sb, 'https://third.example.com/y.git', 'carol', `${PASSWORD}-3`);
    const out = await gatehouse(sb, 'credential', 'logout', URL);
    assert.equal(out.code, 0, out.stderr);
    assert.equal(out.stdout, 'removed https://bob@git.example.com\n');
    const byHost = await gatehouse(sb, 'credential', 'logout', 'other.example.com');
    assert.equal(byHost.stdout, 'removed https://alice@other.example.com\n');
    assert.deepEqual((await storedCredentials(sb)).map((e) => e.host), ['third.example.com']);
    const fill = await gitCredential(sb, 'fill', `url=${URL}\n`);
    assert.equal(fill.stdout.includes(PASSWORD), false);
    const none = await gatehouse(sb, 'credential', 'logout', 'git.example.com');
    assert.equal(none.stdout, 'nothing stored for git.example.com\n');
    const all = await gatehouse(sb, 'credential', 'remove', '--all');
    assert.equal(all.stdout, 'removed https://carol@third.example.com\n');
    assert.deepEqual(await storedCredentials(sb), []);
    const usage = await gatehouse(sb, 'credential', 'logout');
    assert.equal(usage.code, 2);
  });
});
