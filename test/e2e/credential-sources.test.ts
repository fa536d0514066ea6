// Rules from gatehouse.toml and the sources they answer from: env, file, command, lookup (a real
// HTTP server here), gatehouse-token (verified with the gate's own verifyToken), and the store;
// store and erase touch only rules whose source is "store".
import assert from 'node:assert/strict';
import { chmodSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { loadSigningKey, verifyToken } from '../../src/credential/tokens.ts';
import { assertBuilt } from '../helpers/binary.ts';
import {
  credentialSandbox,
  gitCredential,
  helper,
  storedCredentials,
  tomlString,
  writeConfig,
  writeScript,
  type CredentialSandbox,
} from '../helpers/credential.ts';
import { FAKE } from '../helpers/secrets.ts';
import { tempDir } from '../helpers/tmp.ts';

const ENV_TOKEN = FAKE.githubPat(1);
const OTHER_SECRET = 'other-secret-value-Jd83kQ';
const FILE_SECRET = 'file-secret-Hq2vB9';
const COMMAND_SECRET = 'cmd-secret-Lw4nT6';
const LOOKUP_SECRET = 'lookup-secret-Mz7cV1';
const VAULT_TOKEN = 'vault-header-secret-Pp5sX0';

const get = (host: string, extra = '') => `protocol=https\nhost=${host}\n${extra}\n`;
const answerOf = (stdout: string) => Object.fromEntries(stdout.split('\n').filter(Boolean).map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]));

function assertNoSecrets(text: string, secrets: string[]): void {
  for (const s of secrets) assert.equal(text.includes(s), false, `a secret (${s.slice(0, 6)}...) reached stderr`);
}

interface LookupServer {
  url: string;
  requests: IncomingHttpHeaders[];
  close(): Promise<void>;
}

async function startLookupServer(): Promise<LookupServer> {
  const requests: IncomingHttpHeaders[] = [];
  const server: Server = createServer((req, res) => {
    requests.push(req.headers);
    if (req.headers['x-vault-token'] !== VAULT_TOKEN) {
      res.writeHead(403, { 'Content-Type': 'application/json' }).end('{"error":"bad token"}');
      return;
    }
    const expires = new Date(Date.now() + 3600_000).toISOString();
    res.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify({ token: `${LOOKUP_SECRET}${req.url}`, expires_at: expires }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { url, requests, close: () => new Promise((resolve) => (server.closeAllConnections(), server.close(() => resolve()))) };
}

describe('credential rules and their sources', () => {
  let sb: CredentialSandbox;
  let lookup: LookupServer;
  const cleanups: Array<() => void> = [];
  before(async () => {
    assertBuilt();
    sb = credentialSandbox(tempDir({ after: (fn: () => void) => cleanups.push(fn) }, 'gatehouse-cred-src'), { OTHER_SECRET, GH_TOKEN_TEST: ENV_TOKEN, VAULT_TOKEN });
    lookup = await startLookupServer();
  });
  after(async () => {
    await lookup?.close();
    cleanups.forEach((fn) => fn());
  });

  describe('env', () => {
    before(() =>
      writeConfig(
        sb,
        `[[credential.rule]]
host = "env.example.com"
username = "ci-bot"
source = "env"
env = "GH_TOKEN_TEST"

[[credential.rule]]
host = "unset.example.com"
source = "env"
env = "NOT_SET_TOKEN"
`,
      ),
    );

    it('answers git from the variable, with the rule username', async () => {
      const r = await gitCredential(sb, 'fill', get('env.example.com'));
      assert.equal(r.code, 0, r.stderr);
      assert.equal(r.stdout, `protocol=https\nhost=env.example.com\nusername=ci-bot\npassword=${ENV_TOKEN}\n`);
      assert.equal(r.stderr, '');
    });

    it('an unset variable is an error that names it and shows no value', async () => {
      const r = await helper(sb, 'get', get('unset.example.com'), { via: 'link' });
      assert.equal(r.code, 1);
      assert.equal(r.stdout, '');
      assert.match(r.stderr, /NOT_SET_TOKEN/);
      assert.match(r.stderr, /unset or empty/);
      assertNoSecrets(r.stderr, [ENV_TOKEN, OTHER_SECRET, VAULT_TOKEN]);
      // git shows the helper's complaint and falls back to asking
      const viaGit = await gitCredential(sb, 'fill', get('unset.example.com'));
      assert.equal(viaGit.code, 0);
      assert.match(viaGit.stderr, /NOT_SET_TOKEN/);
      assert.match(viaGit.stdout, /password=askpass-password/);
      assertNoSecrets(viaGit.stderr, [ENV_TOKEN, OTHER_SECRET, VAULT_TOKEN]);
    });

    it('an empty variable is an error too', async () => {
      const r = await helper(sb, 'get', get('unset.example.com'), { via: 'link', env: { NOT_SET_TOKEN: '' } });
      assert.equal(r.code, 1);
      assert.match(r.stderr, /NOT_SET_TOKEN/);
    });
  });

  describe('file', () => {
    let file: string;
    before(() => {
      file = join(sb.root, 'token.txt');
      writeFileSync(file, `${FILE_SECRET}\n`, { mode: 0o600 });
      writeConfig(sb, `[[credential.rule]]\nhost = "file.example.com"\nsource = "file"\nfile = ${tomlString(file)}\n`);
    });

    it('a 0600 file answers (its final newline dropped)', async () => {
      chmodSync(file, 0o600);
      const r = await gitCredential(sb, 'fill', get('file.example.com'));
      assert.equal(r.code, 0, r.stderr);
      assert.equal(r.stdout, `protocol=https\nhost=file.example.com\nusername=x-access-token\npassword=${FILE_SECRET}\n`);
    });

    it('a 0644 file is refused, naming the file and mode, never its content', async () => {
      chmodSync(file, 0o644);
      const r = await helper(sb, 'get', get('file.example.com'), { via: 'link' });
      assert.equal(r.code, 1);
      assert.equal(r.stdout, '');
      assert.match(r.stderr, /readable by others \(mode 644\)/);
      assert.ok(r.stderr.includes(file));
      assertNoSecrets(r.stderr, [FILE_SECRET]);
      chmodSync(file, 0o600);
    });
  });

  describe('command', () => {
    let stdinCopy: string;
    before(() => {
      stdinCopy = join(sb.root, 'command-stdin.txt');
      const answer = writeScript(sb, 'answer.sh', `cat > ${tomlString(stdinCopy)}\necho ${COMMAND_SECRET}\necho second-line-ignored\n`);
      const slowExec = writeScript(sb, 'slow-exec.sh', 'exec sleep 20\n');
      const slowFork = writeScript(sb, 'slow-fork.sh', 'sleep 20\necho too-late\n');
      const fails = writeScript(sb, 'fails.sh', `echo ${COMMAND_SECRET}-partial\necho "${COMMAND_SECRET}-partial: vault sealed" >&2\nexit 3\n`);
      const rule = (host: string, command: string, extra = '') => `[[credential.rule]]\nhost = "${host}"\nsource = "command"\ncommand = [${tomlString(command)}, "--flag"]\n${extra}\n`;
      writeConfig(
        sb,
        rule('cmd.example.com', answer) +
          rule('slow.example.com', slowExec, 'timeout_seconds = 1') +
          rule('slow-fork.example.com', slowFork, 'timeout_seconds = 1') +
          rule('fails.example.com', fails),
      );
    });

    it('the first line of stdout is the secret, and the request reaches the command on stdin', async () => {
      const r = await helper(sb, 'get', get('cmd.example.com', 'path=org/repo.git\nusername=someone\n'), { via: 'link' });
      assert.equal(r.code, 0, r.stderr);
      assert.deepEqual(answerOf(r.stdout), { username: 'someone', password: COMMAND_SECRET });
      const seen = readFileSync(stdinCopy, 'utf8');
      assert.match(seen, /^protocol=https\nhost=cmd\.example\.com\npath=org\/repo\.git\n/);
      assert.ok(seen.endsWith('\n\n'), 'ended by a blank line');
      const viaGit = await gitCredential(sb, 'fill', get('cmd.example.com'));
      assert.equal(viaGit.stdout, `protocol=https\nhost=cmd.example.com\nusername=x-access-token\npassword=${COMMAND_SECRET}\n`);
    });

    it('a command that outlives timeout_seconds is an error, soon after the timeout', async () => {
      const started = Date.now();
      const r = await helper(sb, 'get', get('slow.example.com'), { via: 'link' });
      const took = Date.now() - started;
      assert.equal(r.code, 1);
      assert.equal(r.stdout, '');
      assert.match(r.stderr, /did not answer within 1 s/);
      assert.ok(took < 6_000, `took ${took} ms`);
    });

    it(
      'the timeout holds when the command leaves a child behind (a shell script running sleep)',
      async () => {
        const started = Date.now();
        const r = await helper(sb, 'get', get('slow-fork.example.com'), { via: 'link', timeoutMs: 5_000 });
        const took = Date.now() - started;
        assert.notEqual(r.code, null, `killed after ${took} ms, still waiting for the command's child`);
        assert.match(r.stderr, /did not answer within 1 s/);
        assert.ok(took < 4_500, `took ${took} ms`);
      },
    );

    it('a non-zero exit is an error naming the status; what it printed stays secret', async () => {
      const r = await helper(sb, 'get', get('fails.example.com'), { via: 'link' });
      assert.equal(r.code, 1);
      assert.equal(r.stdout, '');
      assert.match(r.stderr, /exited with 3/);
      assertNoSecrets(r.stderr, [`${COMMAND_SECRET}-partial`]);
    });
  });

  describe('lookup', () => {
    const rules = (ttl: number, path: string, header = 'env:VAULT_TOKEN') => `[[credential.rule]]
host = "lookup.example.com"
source = "lookup"
[credential.rule.lookup]
url = "${lookup.url}${path}"
headers = { "X-Vault-Token" = ${tomlString(header)} }
ttl_seconds = ${ttl}
`;

    it('asks the endpoint with the header from the env reference, and caches for ttl_seconds: 6 gets, 1 request', async () => {
      writeConfig(sb, rules(300, '/v1/cached'));
      const before = lookup.requests.length;
      const answers = [];
      for (let i = 0; i < 3; i++) answers.push(await helper(sb, 'get', get('lookup.example.com'), { via: 'link' }));
      answers.push(...(await Promise.all([1, 2, 3].map(() => helper(sb, 'get', get('lookup.example.com'), { via: 'link' })))));
      for (const r of answers) {
        assert.equal(r.code, 0, r.stderr);
        assert.equal(answerOf(r.stdout).password, `${LOOKUP_SECRET}/v1/cached`);
      }
      assert.equal(lookup.requests.length - before, 1, 'one request to the endpoint');
      assert.equal(lookup.requests.at(-1)!['x-vault-token'], VAULT_TOKEN);
      const viaGit = await gitCredential(sb, 'fill', get('lookup.example.com'));
      assert.match(viaGit.stdout, new RegExp(`password=${LOOKUP_SECRET}/v1/cached\n`));
      assert.equal(lookup.requests.length - before, 1, 'git is answered from the cache');
    });

    it('asks again once ttl_seconds have passed', async () => {
      // expiry is kept in whole seconds, so ttl_seconds = 3 caches for between 2 and 3 s
      writeConfig(sb, rules(3, '/v1/short'));
      const before = lookup.requests.length;
      assert.equal((await helper(sb, 'get', get('lookup.example.com'), { via: 'link' })).code, 0);
      assert.equal((await helper(sb, 'get', get('lookup.example.com'), { via: 'link' })).code, 0);
      assert.equal(lookup.requests.length - before, 1);
      await new Promise((r) => setTimeout(r, 3_100));
      const r = await helper(sb, 'get', get('lookup.example.com'), { via: 'link' });
      assert.equal(answerOf(r.stdout).password, `${LOOKUP_SECRET}/v1/short`);
      assert.equal(lookup.requests.length - before, 2);
    });

    it('a refused lookup is an error; the header secret stays off stderr', async () => {
      writeConfig(sb, rules(300, '/v1/refused'));
      const r = await helper(sb, 'get', get('lookup.example.com'), { via: 'link', env: { VAULT_TOKEN: 'wrong-vault-token-Yy1' } });
      assert.equal(r.code, 1);
      assert.equal(r.stdout, '');
      assert.match(r.stderr, /HTTP 403/);
      assertNoSecrets(r.stderr, ['wrong-vault-token-Yy1', VAULT_TOKEN]);
      const unset = await helper(sb, 'get', get('lookup.example.com'), { via: 'link', env: { VAULT_TOKEN: '' } });
      assert.equal(unset.code, 1);
      assert.match(unset.stderr, /VAULT_TOKEN/);
    });
  });

  describe('gatehouse-token', () => {
    it('mints a JWS whose claims carry repo and scope, signed with the key in the state dir', async () => {
      writeConfig(
        sb,
        `[[credential.rule]]
host = "gate.example.com"
source = "gatehouse-token"
[credential.rule.token]
scope = "write"
repo = "app"
ttl_seconds = 600
`,
      );
      const started = Math.floor(Date.now() / 1000);
      const r = await helper(sb, 'get', get('gate.example.com'), { via: 'link' });
      assert.equal(r.code, 0, r.stderr);
      const answer = answerOf(r.stdout);
      assert.equal(answer.username, 'gatehouse');
      assert.equal(statSync(join(sb.stateDir, 'token-signing.key')).mode & 0o777, 0o600);
      const claims = await verifyToken(loadSigningKey({ stateDir: sb.stateDir, config: { gate: { signing_key: '' } } }, {}, false), answer.password!);
      assert.equal(claims.kind, 'git');
      assert.equal(claims.repo, 'app');
      assert.equal(claims.scope, 'write');
      assert.equal(claims.exp - claims.iat, 600);
      assert.ok(claims.iat >= started - 1 && claims.iat <= started + 30);
      assert.equal(answer.password_expiry_utc, String(claims.exp));
      // a second get is a fresh token (nothing cached), verified the same way
      const again = answerOf((await helper(sb, 'get', get('gate.example.com'), { via: 'link' })).stdout);
      assert.notEqual(again.password, answer.password);
      await verifyToken(loadSigningKey({ stateDir: sb.stateDir, config: { gate: { signing_key: '' } } }, {}, false), again.password!);
      // and git receives it
      const viaGit = await gitCredential(sb, 'fill', get('gate.example.com'));
      assert.match(viaGit.stdout, /^protocol=https\nhost=gate\.example\.com\nusername=gatehouse\npassword=eyJ[\w-]+\.[\w-]+\.[\w-]+\n$/);
    });
  });

  describe('first use', () => {
    it('concurrent first uses on a fresh state dir agree on one key: every credential stored can be read back', async () => {
      for (let round = 0; round < 3; round++) {
        const fresh = credentialSandbox(join(sb.root, `fresh-${round}`));
        mkdirSync(fresh.stateDir, { recursive: true, mode: 0o700 });
        const stores = await Promise.all(
          Array.from({ length: 10 }, (_, i) => helper(fresh, 'store', `protocol=https\nhost=first.example.com\nusername=u${i}\npassword=first-pass-${i}\n\n`, { via: 'link' })),
        );
        for (const r of stores) assert.equal(r.code, 0, r.stderr);
        for (let i = 0; i < 10; i++) {
          const got = await helper(fresh, 'get', `protocol=https\nhost=first.example.com\nusername=u${i}\n\n`, { via: 'link' });
          assert.equal(got.code, 0, got.stderr);
          assert.match(got.stdout, new RegExp(`password=first-pass-${i}\\n`), `round ${round}: credential u${i} was sealed with a key that lost the race`);
        }
      }
    });
  });

  describe('store-only rules', () => {
    before(async () => {
      // stored while no rules were configured: the store then answers everything
      writeConfig(sb, '');
      for (const host of ['env.example.com', 'norule.example.com']) {
        const r = await gitCredential(sb, 'approve', `protocol=https\nhost=${host}\nusername=old\npassword=old-pass-${host}\n`);
        assert.equal(r.code, 0, r.stderr);
      }
      writeConfig(
        sb,
        `[[credential.rule]]
host = "env.example.com"
source = "env"
env = "GH_TOKEN_TEST"

[[credential.rule]]
host = "*.store.example.com"
source = "store"
`,
      );
    });

    const hosts = async () => (await storedCredentials(sb)).map((r) => `${r.username}@${r.host}`).sort();

    it('approve stores through a store rule or where no rule matches (the store is the last rule), never for another source', async () => {
      assert.equal((await gitCredential(sb, 'approve', `protocol=https\nhost=env.example.com\nusername=new\npassword=${ENV_TOKEN}\n`)).code, 0);
      assert.equal((await gitCredential(sb, 'approve', 'protocol=https\nhost=other.example.com\nusername=new\npassword=unmatched-pass\n')).code, 0);
      assert.equal((await gitCredential(sb, 'approve', 'protocol=https\nhost=a.store.example.com\nusername=alice\npassword=alice-pass\n')).code, 0);
      assert.deepEqual(await hosts(), ['alice@a.store.example.com', 'new@other.example.com', 'old@env.example.com', 'old@norule.example.com']);
    });

    it('get follows the rules: env answers for its host, the store for its glob and for hosts no rule covers', async () => {
      assert.equal(answerOf((await helper(sb, 'get', get('env.example.com'), { via: 'link' })).stdout).password, ENV_TOKEN);
      assert.deepEqual(answerOf((await helper(sb, 'get', get('a.store.example.com'), { via: 'link' })).stdout), { username: 'alice', password: 'alice-pass' });
      assert.deepEqual(answerOf((await helper(sb, 'get', get('norule.example.com'), { via: 'link' })).stdout), { username: 'old', password: 'old-pass-norule.example.com' });
    });

    it('reject erases through a store rule or where no rule matches, never for another source', async () => {
      assert.equal((await gitCredential(sb, 'reject', 'protocol=https\nhost=env.example.com\n')).code, 0);
      assert.deepEqual(await hosts(), ['alice@a.store.example.com', 'new@other.example.com', 'old@env.example.com', 'old@norule.example.com']);
      assert.equal((await gitCredential(sb, 'reject', 'protocol=https\nhost=norule.example.com\n')).code, 0);
      assert.equal((await gitCredential(sb, 'reject', 'protocol=https\nhost=a.store.example.com\n')).code, 0);
      assert.deepEqual(await hosts(), ['new@other.example.com', 'old@env.example.com']);
    });

    it('a wrong password followed by erase leaves the right stored one alone', async () => {
      assert.equal((await gitCredential(sb, 'approve', 'protocol=https\nhost=b.store.example.com\nusername=bob\npassword=right-pass\n')).code, 0);
      // git erases the password that just failed: a stale one from another helper, say
      assert.equal((await gitCredential(sb, 'reject', 'protocol=https\nhost=b.store.example.com\nusername=bob\npassword=wrong-pass\n')).code, 0);
      const still = await gitCredential(sb, 'fill', get('b.store.example.com'));
      assert.equal(still.stdout, 'protocol=https\nhost=b.store.example.com\nusername=bob\npassword=right-pass\n');
      assert.equal(still.stderr, '');
      assert.equal((await gitCredential(sb, 'reject', 'protocol=https\nhost=b.store.example.com\nusername=bob\npassword=right-pass\n')).code, 0);
      const gone = await gitCredential(sb, 'fill', get('b.store.example.com'));
      assert.match(gone.stderr, /askpass: Username for 'https:\/\/b\.store\.example\.com':/);
    });
  });
});
