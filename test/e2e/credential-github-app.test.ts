// GitHub App installation tokens through the helper, against a GitHub API stand-in on 127.0.0.1
// that checks the app JWT with the app's public key and records each mint: the narrowing sent,
// one mint for many concurrent gits, re-minting inside the 5-minute window, and expiry.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { assertBuilt } from '../helpers/binary.ts';
import { credentialSandbox, gitCredential, helper, sleep, writeConfig, type CredentialSandbox } from '../helpers/credential.ts';
import { generateAppKeys, githubAppRule, startGithubStandIn, writePrivateKey, type AppKeys, type GithubStandIn } from '../helpers/github-standin.ts';
import { tempDir } from '../helpers/tmp.ts';

const APP_ID = 123456;
const INSTALLATION_ID = 7890;
const HOST = 'github.com';
const REQUEST = `protocol=https\nhost=${HOST}\n\n`;

const answerOf = (stdout: string) => Object.fromEntries(stdout.split('\n').filter(Boolean).map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]));

describe('github-app source', () => {
  let keys: AppKeys;
  let api: GithubStandIn;
  let root: string;
  const cleanups: Array<() => void> = [];
  let n = 0;

  before(async () => {
    assertBuilt();
    root = tempDir({ after: (fn: () => void) => cleanups.push(fn) }, 'gatehouse-cred-gh');
    keys = generateAppKeys();
    writePrivateKey(join(root, 'app.pem'), keys);
    api = await startGithubStandIn({ appId: APP_ID, installationId: INSTALLATION_ID, publicKeyPem: keys.publicKeyPem });
  });
  after(async () => {
    await api?.close();
    cleanups.forEach((fn) => fn());
  });

  /** A fresh helper world (its own state, so its own mint cache) with one github-app rule. */
  const world = (narrowing: { repositories?: string[]; permissions?: Record<string, string> } = {}, apiUrl = api.url): CredentialSandbox => {
    const sb = credentialSandbox(join(root, `world-${++n}`));
    writeConfig(sb, githubAppRule({ host: HOST, appId: APP_ID, installationId: INSTALLATION_ID, privateKeyFile: join(root, 'app.pem'), apiUrl, ...narrowing }));
    return sb;
  };
  const get = (sb: CredentialSandbox) => helper(sb, 'get', REQUEST, { via: 'link' });
  const reset = (lifetime: number, delayMs = 0) => {
    api.mints.length = 0;
    api.refusals.length = 0;
    api.tokenLifetimeSeconds = lifetime;
    api.delayMs = delayMs;
  };

  it('sends a valid app JWT and the narrowing; git gets the token', async () => {
    reset(3600);
    const sb = world({ repositories: ['app', 'lib'], permissions: { contents: 'write', metadata: 'read' } });
    const started = Math.floor(Date.now() / 1000);
    const r = await gitCredential(sb, 'fill', REQUEST);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(api.refusals, []);
    assert.equal(api.mints.length, 1);
    const mint = api.mints[0]!;
    assert.deepEqual(mint.body, { repositories: ['app', 'lib'], permissions: { contents: 'write', metadata: 'read' } });
    assert.equal(mint.jwt.iss, String(APP_ID));
    assert.ok((mint.jwt.exp as number) - started <= 600, 'exp within 10 minutes');
    assert.ok((mint.jwt.exp as number) > started, 'exp in the future');
    assert.equal(r.stdout, `protocol=https\nhost=${HOST}\nusername=x-access-token\npassword=${mint.token}\n`);
    assert.equal(r.stderr, '');
  });

  it('sends no narrowing when the rule has none', async () => {
    reset(3600);
    const r = await get(world());
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(api.mints.map((m) => m.body), [{}]);
  });

  it('8 concurrent git credential fill calls cause exactly one mint while the token is fresh', async () => {
    reset(3600, 400);
    const sb = world({ repositories: ['app'] });
    // The store key already exists, as after any earlier use: concurrent first use on a fresh
    // state dir races on creating it (a todo in credential-sources.test.ts), which is not what
    // this case is about.
    mkdirSync(sb.stateDir, { recursive: true, mode: 0o700 });
    writeFileSync(join(sb.stateDir, 'credential.key'), `${randomBytes(32).toString('base64')}\n`, { mode: 0o600 });
    const results = await Promise.all(Array.from({ length: 8 }, () => gitCredential(sb, 'fill', REQUEST)));
    for (const r of results) assert.equal(r.code, 0, r.stderr);
    assert.equal(api.mints.length, 1, `${api.mints.length} mints for 8 concurrent fills`);
    const token = api.mints[0]!.token;
    for (const r of results) assert.equal(answerOf(r.stdout).password, token);
    // and later gets are cache hits
    api.delayMs = 0;
    for (let i = 0; i < 3; i++) assert.equal(answerOf((await get(sb)).stdout).password, token);
    assert.equal(api.mints.length, 1);
  });

  it('returns password_expiry_utc (the token\'s expires_at)', async () => {
    reset(3600);
    const r = await get(world({ permissions: { contents: 'read' } }));
    assert.equal(r.code, 0, r.stderr);
    const answer = answerOf(r.stdout);
    assert.equal(answer.password, api.mints[0]!.token);
    assert.equal(answer.password_expiry_utc, String(Date.parse(api.mints[0]!.expiresAt) / 1000));
  });

  it('a token with 6 minutes left is reused; one with 4 minutes left (inside the 5-minute window) is re-minted', async () => {
    reset(6 * 60);
    const six = world({ repositories: ['six'] });
    const a = answerOf((await get(six)).stdout).password;
    const b = answerOf((await get(six)).stdout).password;
    assert.equal(api.mints.length, 1);
    assert.equal(a, b);

    reset(4 * 60);
    const four = world({ repositories: ['four'] });
    const first = await get(four);
    const second = await get(four);
    assert.equal(api.mints.length, 2, 'each get mints anew');
    assert.equal(answerOf(first.stdout).password, api.mints[0]!.token);
    assert.equal(answerOf(second.stdout).password, api.mints[1]!.token, 'the fresh token, not the one about to expire');
  });

  it('a cached token is re-minted once it enters the 5-minute window, and never handed out after', async () => {
    reset(5 * 60 + 5); // usable from the cache for 5 s
    const sb = world({ repositories: ['edge'] });
    const t1 = answerOf((await get(sb)).stdout).password;
    const t2 = answerOf((await get(sb)).stdout).password;
    assert.equal(t2, t1, 'still outside the window: a cache hit');
    assert.equal(api.mints.length, 1);
    await sleep(6_000);
    const t3 = answerOf((await get(sb)).stdout).password;
    assert.equal(api.mints.length, 2);
    assert.notEqual(t3, t1);
    assert.equal(t3, api.mints[1]!.token);
  });

  it(
    'an already-expired token from the API is never returned',
    async () => {
      reset(-30);
      const sb = world({ repositories: ['expired'] });
      const r = await get(sb);
      assert.equal(api.mints.length, 1);
      assert.equal(r.stdout.includes(api.mints[0]!.token), false, 'the expired token was returned');
      assert.notEqual(r.code, 0, 'an error says why');
    },
  );

  it('a JWT the API cannot verify (wrong app key) is an error; no JWT or token on stderr', async () => {
    const otherKeys = generateAppKeys();
    const strict = await startGithubStandIn({ appId: APP_ID, installationId: INSTALLATION_ID, publicKeyPem: otherKeys.publicKeyPem });
    try {
      const sb = world({ repositories: ['app'] }, strict.url);
      const r = await get(sb);
      assert.equal(r.code, 1);
      assert.equal(r.stdout, '');
      assert.match(r.stderr, /HTTP 401/);
      assert.doesNotMatch(r.stderr, /eyJ[\w-]+\.[\w-]+\./, 'no JWT on stderr');
      assert.equal(strict.mints.length, 0);
      assert.equal(strict.refusals.length, 1);
    } finally {
      await strict.close();
    }
  });

  it('a private key file readable by others is refused before any request', async () => {
    reset(3600);
    const loose = join(root, 'loose.pem');
    writePrivateKey(loose, keys);
    chmodSync(loose, 0o644);
    const sb = credentialSandbox(join(root, `world-${++n}`));
    writeConfig(sb, githubAppRule({ host: HOST, appId: APP_ID, installationId: INSTALLATION_ID, privateKeyFile: loose, apiUrl: api.url }));
    const r = await get(sb);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /readable by others/);
    assert.doesNotMatch(r.stderr, /PRIVATE KEY/);
    assert.equal(api.mints.length + api.refusals.length, 0);
  });
});
