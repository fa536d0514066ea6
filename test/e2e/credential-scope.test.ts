// What a credential rule answers for: https only unless it says http; hosts and paths by
// gatehouse's glob dialect, adversarial hosts included; and a rule the gate names
// (GATEHOUSE_CREDENTIAL_RULE) still has to cover the request, so git following a redirect to
// another host gets nothing from it. Real git, the built helper, a real http-backend.
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { assertBuilt, BINARY, run } from '../helpers/binary.ts';
import { credentialSandbox, gitCredential, helper, writeConfig, type CredentialSandbox } from '../helpers/credential.ts';
import { TestRepo } from '../helpers/git.ts';
import { startHttpGitServer, startRecorder, type HttpGitServer, type Recorder } from '../helpers/http-backend.ts';
import { tempDir } from '../helpers/tmp.ts';

const SECRET = 'scope-' + 'secret-4Rt8wQ2zK6';
const USER = 'gate-bot';
const RULE_ENV = 'GATEHOUSE_CREDENTIAL_RULE';

const RULES = `[[credential.rule]]
name = "wild"
host = "*.example.com"
username = "${USER}"
source = "env"
env = "SCOPE_SECRET"

[[credential.rule]]
name = "repo"
host = "git.example.org"
path = "org/*"
source = "env"
env = "SCOPE_SECRET"

[[credential.rule]]
name = "anyproto"
protocol = "*"
host = "both.example.net"
source = "env"
env = "SCOPE_SECRET"

[[credential.rule]]
name = "local"
protocol = "http"
host = "127.0.0.1:*"
username = "${USER}"
source = "env"
env = "SCOPE_SECRET"
`;

const answerOf = (stdout: string) => Object.fromEntries(stdout.split('\n').filter(Boolean).map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]));

function assertNoSecret(text: string): void {
  assert.equal(text.includes(SECRET), false, 'the secret is shown');
  assert.equal(text.includes(Buffer.from(`${USER}:${SECRET}`).toString('base64')), false, 'the encoded secret is shown');
}

describe('what credential rules answer for', () => {
  let sb: CredentialSandbox;
  const cleanups: Array<() => void> = [];

  before(() => {
    assertBuilt();
    sb = credentialSandbox(tempDir({ after: (fn: () => void) => cleanups.push(fn) }, 'gatehouse-cred-scope'), { SCOPE_SECRET: SECRET });
    mkdirSync(sb.stateDir, { recursive: true });
    writeConfig(sb, RULES);
  });
  after(() => cleanups.forEach((fn) => fn()));

  const get = (request: string, env: NodeJS.ProcessEnv = {}) => helper(sb, 'get', `${request}\n\n`, { via: 'link', env });

  describe('protocol: https unless the rule says otherwise', () => {
    it('a rule without a protocol answers https and not http', async () => {
      assert.equal(answerOf((await get('protocol=https\nhost=api.example.com')).stdout).password, SECRET);
      const http = await get('protocol=http\nhost=api.example.com');
      assert.deepEqual([http.code, http.stdout, http.stderr], [0, '', '']);
    });

    it('protocol = "http" answers http only; protocol = "*" answers both', async () => {
      assert.equal(answerOf((await get('protocol=http\nhost=127.0.0.1:8080')).stdout).password, SECRET);
      assert.equal((await get('protocol=https\nhost=127.0.0.1:8080')).stdout, '');
      assert.equal(answerOf((await get('protocol=http\nhost=both.example.net')).stdout).password, SECRET);
      assert.equal(answerOf((await get('protocol=https\nhost=both.example.net')).stdout).password, SECRET);
    });

    it('git credential fill over http to a host of an https-only rule asks the user instead', async () => {
      const r = await gitCredential(sb, 'fill', 'protocol=http\nhost=api.example.com\n');
      assert.equal(r.code, 0, r.stderr);
      assert.equal(r.stdout, 'protocol=http\nhost=api.example.com\nusername=askpass-username\npassword=askpass-password\n');
      assertNoSecret(r.stdout + r.stderr);
    });
  });

  describe('a rule the gate names must still cover the request', () => {
    it('answers for a host it covers', async () => {
      const r = await get('protocol=https\nhost=api.example.com', { [RULE_ENV]: 'wild' });
      assert.equal(r.code, 0, r.stderr);
      assert.deepEqual(answerOf(r.stdout), { username: USER, password: SECRET });
    });

    it('answers nothing for another host, and says why on stderr and in the gate log, without the secret', async () => {
      for (const host of ['evil.test', 'example.com.evil.test', 'a.b.example.com', 'evil.test#.example.com', 'api.example.com:443@evil.test']) {
        const r = await get(`protocol=https\nhost=${host}`, { [RULE_ENV]: 'wild' });
        assert.equal(r.code, 0, r.stderr);
        assert.equal(r.stdout, '', `answered for ${host}`);
        assert.match(r.stderr, /credential rule wild \(named by GATEHOUSE_CREDENTIAL_RULE\) does not cover https:\/\/.* answering nothing/);
        assertNoSecret(r.stderr);
      }
      const log = readFileSync(join(sb.stateDir, 'gate.log'), 'utf8');
      assert.match(log, /"msg":"credential refused: the named rule does not cover the request".*evil\.test/);
      assertNoSecret(log);
    });

    it('answers nothing for http when the rule is https-only, nor for a path outside its glob', async () => {
      assert.equal((await get('protocol=http\nhost=api.example.com', { [RULE_ENV]: 'wild' })).stdout, '');
      assert.equal(answerOf((await get('protocol=https\nhost=git.example.org\npath=org/app.git', { [RULE_ENV]: 'repo' })).stdout).password, SECRET);
      for (const path of ['other/app.git', 'org/app/deeper.git', '']) {
        const r = await get(`protocol=https\nhost=git.example.org\npath=${path}`, { [RULE_ENV]: 'repo' });
        assert.equal(r.stdout, '', `answered for path ${JSON.stringify(path)}`);
        assert.match(r.stderr, /path .* does not match org\/\*/);
      }
    });

    it('git credential fill for another host gets nothing from the named rule', async () => {
      const r = await gitCredential(sb, 'fill', 'protocol=https\nhost=evil.test\n', { env: { [RULE_ENV]: 'wild' } });
      assert.equal(r.code, 0, r.stderr);
      assert.equal(r.stdout, 'protocol=https\nhost=evil.test\nusername=askpass-username\npassword=askpass-password\n');
      assert.match(r.stderr, /does not cover https:\/\/evil\.test: host "evil\.test" does not match \*\.example\.com/);
      assertNoSecret(r.stdout + r.stderr);
    });
  });

  describe('gatehouse credential test URL', () => {
    const cases: Array<[string, RegExp, string[]?]> = [
      ['https://api.example.com/org/app.git', /answered by wild \(env\) as gate-bot; secret of \d+ characters \(not shown\)/],
      ['https://API.EXAMPLE.COM/', /answered by wild/],
      // git drops the path (credential.useHttpPath is off), so test does too.
      ['https://a.b.example.com/app.git', /no rule or stored credential answers https:\/\/a\.b\.example\.com \(/],
      ['https://example.com.evil.test/', /no rule or stored credential answers https:\/\/example\.com\.evil\.test/],
      ['https://evil.test#.example.com/', /no rule or stored credential answers https:\/\/evil\.test /],
      ['https://api.example.com:443@evil.test/', /no rule or stored credential answers https:\/\/evil\.test /],
      ['https://api.example.com./', /no rule or stored credential answers/],
      ['https://api.example.com:8443/', /no rule or stored credential answers/],
      ['http://api.example.com/', /no rule or stored credential answers http:\/\/api\.example\.com/],
      ['https://[::1]:8443/', /no rule or stored credential answers https:\/\/\[::1\]:8443/],
      // A rule with a path answers only requests that carry one: the gate's (--rule), not plain git's.
      ['https://git.example.org/org/app.git', /no rule or stored credential answers https:\/\/git\.example\.org \(/],
      ['https://git.example.org/org/app.git', /answered by repo/, ['--rule', 'repo']],
      ['https://git.example.org/other/app.git', /no answer: .* path "other\/app\.git" does not match org\/\*/, ['--rule', 'repo']],
      ['http://both.example.net/', /answered by anyproto/],
      ['http://127.0.0.1:9/app.git', /answered by local/],
      ['https://api.example.com/', /no answer: credential rule local \(named by GATEHOUSE_CREDENTIAL_RULE\) does not cover https:\/\/api\.example\.com: protocol "https" is not http/, ['--rule', 'local']],
      ['http://127.0.0.2:9/app.git', /no answer: .* host "127\.0\.0\.2:9" does not match 127\.0\.0\.1:\*/, ['--rule', 'local']],
    ];
    for (const [url, expected, extra] of cases) {
      it(`${url}${extra ? ` ${extra.join(' ')}` : ''}`, async () => {
        const r = await run(BINARY, ['credential', 'test', url, ...(extra ?? [])], { env: sb.env, cwd: sb.root });
        assert.match(r.stdout, expected, r.stderr);
        assert.equal(r.code, /answered by/.test(r.stdout) ? 0 : 1);
        assertNoSecret(r.stdout + r.stderr);
      });
    }

    it('--json says which rule refused and why', async () => {
      const r = await run(BINARY, ['--json', 'credential', 'test', 'https://evil.test/', '--rule', 'wild'], { env: sb.env, cwd: sb.root });
      const result = JSON.parse(r.stdout) as { ok: boolean; rule: string | null; refused: string };
      assert.equal(result.ok, false);
      assert.equal(result.rule, null);
      assert.match(result.refused, /does not cover https:\/\/evil\.test: host "evil\.test" does not match \*\.example\.com/);
    });
  });

  it('a config validated by an older build (rules then meant any protocol) is validated again, not reused', async () => {
    // The cache as a build before the https default wrote it: its key had no schema revision,
    // and its rules carry protocol "*".
    await get('protocol=https\nhost=api.example.com');
    const cacheFile = join(sb.stateDir, 'config-cache.json');
    const cache = JSON.parse(readFileSync(cacheFile, 'utf8')) as { key: string; config: { credential: { rule: Array<{ protocol: string }> } } };
    assert.match(cache.key, /\+schema\.\d+\0/);
    cache.key = cache.key.replace(/\+schema\.\d+/, '');
    for (const rule of cache.config.credential.rule) rule.protocol = '*';
    writeFileSync(cacheFile, JSON.stringify(cache));
    const r = await get('protocol=http\nhost=api.example.com');
    assert.equal(r.stdout, '', 'the old cached meaning answered http');
  });
});

describe('git following a redirect, with a rule named', () => {
  let sb: CredentialSandbox;
  let upstream: HttpGitServer;
  let recorder: Recorder;
  const cleanups: Array<() => void> = [];

  before(async () => {
    assertBuilt();
    sb = credentialSandbox(tempDir({ after: (fn: () => void) => cleanups.push(fn) }, 'gatehouse-cred-redirect'), { SCOPE_SECRET: SECRET });
    mkdirSync(sb.stateDir, { recursive: true });
    writeConfig(sb, RULES);
    const repo = new TestRepo(join(sb.root, 'repos/app.git'), { bare: true });
    assert.ok(repo);
    upstream = await startHttpGitServer(join(sb.root, 'repos'), { user: USER, password: SECRET });
    recorder = await startRecorder('127.0.0.2');
    upstream.redirectTo = recorder.url;
  });
  after(async () => {
    await upstream?.close();
    await recorder?.close();
    cleanups.forEach((fn) => fn());
  });

  it('a git that follows the redirect asks for the other host, and the named rule gives it nothing', async () => {
    // Plain git, following redirects as it does by default, with the gate's helper and rule.
    const r = await run('git', ['-c', 'credential.helper=gatehouse', 'ls-remote', `${upstream.url}/app.git`], {
      env: { ...sb.env, [RULE_ENV]: 'local', GIT_TERMINAL_PROMPT: '0', GIT_ASKPASS: '' },
      cwd: sb.root,
    });
    assert.notEqual(r.code, 0);
    assert.ok(recorder.requests.length > 0, 'git followed the redirect (the case under test)');
    assert.deepEqual(recorder.requests.map((q) => q.authorization), recorder.requests.map(() => ''), 'the other host got a credential');
    assert.match(r.stderr, /credential rule local \(named by GATEHOUSE_CREDENTIAL_RULE\) does not cover http:\/\/127\.0\.0\.2:\d+: host "127\.0\.0\.2:\d+" does not match 127\.0\.0\.1:\*/);
    assertNoSecret(r.stderr + r.stdout);
  });
});
