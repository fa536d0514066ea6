// gatehouse shim in front of a real `git http-backend` with basic auth: git clones and fetches
// through the shim (which injects the basic credential), git push is refused with 403, and the
// credential shows up in no process's command line, no response, no log.
import assert from 'node:assert/strict';
import { createServer, request as httpRequest, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { assertBuilt, run } from '../helpers/binary.ts';
import { GIT_ENV, TestRepo } from '../helpers/git.ts';
import { startHttpGitServer, type HttpGitServer } from '../helpers/http-backend.ts';
import {
  allCommandLines,
  assertNoSecret,
  mintShimToken,
  parseRaw,
  rawExchange,
  readLog,
  route,
  shimSandbox,
  startShim,
  writeShimConfig,
  type RunningShim,
  type ShimSandbox,
} from '../helpers/shim.ts';

const GIT_USER = 'git-bot';

describe('git through the shim', () => {
  const cleanups: Array<() => void> = [];
  let box: ShimSandbox;
  let upstream: TestRepo;
  let git: HttpGitServer;
  let shim: RunningShim;
  let token: string;
  const commandLines: string[] = [];

  /** git with the shim token sent in the token header, set through the environment, not argv. */
  const gitVia = (cwd: string, clientToken: string | null, ...args: string[]) =>
    run('git', args, {
      cwd,
      timeoutMs: 60_000,
      env: {
        ...GIT_ENV,
        HOME: join(box.root, 'home'),
        GIT_TERMINAL_PROMPT: '0',
        ...(clientToken ? { GIT_CONFIG_COUNT: '1', GIT_CONFIG_KEY_0: 'http.extraHeader', GIT_CONFIG_VALUE_0: `x-gatehouse-token: ${clientToken}` } : {}),
      },
    });

  before(async () => {
    assertBuilt();
    box = shimSandbox({ after: (fn) => cleanups.push(fn) });
    const seed = new TestRepo(join(box.root, 'seed'));
    seed.commit('initial', { 'README.md': '# app\n' });
    // Enough history that the pack is not trivially small.
    for (let i = 0; i < 20; i++) seed.commit(`c${i}`, { [`f${i}.txt`]: `${'line\n'.repeat(200)}${i}\n` });
    upstream = new TestRepo(join(box.root, 'projects/app.git'), { bare: true });
    seed.git('push', '-q', upstream.dir, 'main');
    upstream.git('config', 'http.receivepack', 'true');
    git = await startHttpGitServer(join(box.root, 'projects'), { user: GIT_USER, password: box.secret });
    writeShimConfig(box, route('/git/', git.url, { auth: 'basic', username: GIT_USER, methods: ['GET', 'POST'] }));
    token = (await mintShimToken(box, ['/git/'], ['GET', 'POST'])).token;
    shim = await startShim(box);
    commandLines.push(...allCommandLines());
  });

  after(async () => {
    await shim?.stop();
    await git?.close();
    for (const fn of cleanups) fn();
  });

  it('git clone through the shim, which injects the basic credential', async () => {
    const dest = join(box.root, 'clone');
    const clone = gitVia(box.root, token, 'clone', '-q', `${shim.url}/git/app.git`, dest);
    // Read every process's argv while git runs.
    const poll = setInterval(() => commandLines.push(...allCommandLines()), 20);
    const result = await clone;
    clearInterval(poll);
    assert.equal(result.code, 0, result.stderr);
    assert.equal(TestRepo.open(dest).head(), upstream.ref('refs/heads/main'));
    assert.ok(git.uploadPackRequests >= 1);
    const expected = `Basic ${Buffer.from(`${GIT_USER}:${box.secret}`).toString('base64')}`;
    assert.ok(git.authorizations.length >= 2);
    assert.ok(git.authorizations.every((a) => a === expected), 'every request reached git with the injected credential');
    assertNoSecret(box, result.stdout + result.stderr, 'git output', GIT_USER);
  });

  it('git fetch of new commits through the shim', async () => {
    const dest = join(box.root, 'clone');
    const work = new TestRepo(join(box.root, 'pusher'));
    work.git('fetch', '-q', upstream.dir, 'main');
    work.git('checkout', '-q', '-B', 'main', 'FETCH_HEAD');
    const next = work.commit('more', { 'more.txt': 'more\n' });
    work.git('push', '-q', upstream.dir, 'main');
    const fetched = await gitVia(dest, token, 'fetch', '-q', 'origin');
    assert.equal(fetched.code, 0, fetched.stderr);
    assert.equal(TestRepo.open(dest).ref('refs/remotes/origin/main'), next);
  });

  it('without a client token git gets 401 and the git server sees nothing', async () => {
    const before = git.authorizations.length;
    const result = await gitVia(box.root, null, 'ls-remote', `${shim.url}/git/app.git`);
    assert.notEqual(result.code, 0);
    assert.match(result.stderr, /fatal: could not read Username for 'http:\/\/127\.0\.0\.1:\d+': terminal prompts disabled/);
    assert.equal(git.authorizations.length, before);
  });

  it('git push through the shim: 403, nothing reaches git-receive-pack', async () => {
    const dest = join(box.root, 'clone');
    const before = upstream.ref('refs/heads/main');
    const client = TestRepo.open(dest);
    client.git('checkout', '-q', '-B', 'main', 'origin/main');
    client.commit('push me', { 'pushed.txt': 'x\n' });
    const push = await gitVia(dest, token, 'push', 'origin', 'main');
    assert.notEqual(push.code, 0);
    assert.match(push.stderr, /403/);
    // git shows the shim's reason (a text/plain body), so the pusher knows where to go.
    assert.match(push.stderr, /remote: gatehouse: git push is not allowed through the shim: push through the gatehouse gate/);
    assert.equal(git.receivePackRequests, 0);
    assert.equal(upstream.ref('refs/heads/main'), before);
  });

  it('the 403 for a push says why, in text/plain as git prints it, for the advertisement and the POST alike', async () => {
    for (const req of [
      `GET /git/app.git/info/refs?service=git-receive-pack HTTP/1.1\r\nHost: x\r\nx-gatehouse-token: ${token}\r\nConnection: close\r\n\r\n`,
      `POST /git/app.git/git-receive-pack HTTP/1.1\r\nHost: x\r\nx-gatehouse-token: ${token}\r\nContent-Type: application/x-git-receive-pack-request\r\nContent-Length: 4\r\nConnection: close\r\n\r\n0000`,
    ]) {
      const { status, head, body } = parseRaw((await rawExchange(shim.port, req)).text);
      assert.equal(status, 403);
      assert.match(head, /^content-type: text\/plain; charset=utf-8$/im);
      assert.match(body, /^gatehouse: git push is not allowed through the shim/);
    }
    assert.equal(git.receivePackRequests, 0);
  });

  it('every spelling of service=git-receive-pack is a push: 403, and git http-backend never sees it', async () => {
    const before = git.authorizations.length;
    const queries = [
      'service=git-receive-pack%00',
      'service=git-receive-pack%2500',
      'service=git-receive-pack%00x',
      'SERVICE=git-receive-pack',
      'Service=GIT-RECEIVE-PACK',
      '%73ervice=git%2Dreceive%2Dpack',
      'service%00=git-receive-pack',
      'service=%20git-receive-pack',
      'service=git-receive-pack;x',
      'x=1;service=git-receive-pack',
      'service=git-upload-pack&service=git-receive-pack%00',
      'service=git-receive-pack%00&service=git-upload-pack',
      'service=git%252Dreceive%252Dpack',
      '+service+=git-receive-pack',
    ];
    for (const query of queries) {
      const req = `GET /git/app.git/info/refs?${query} HTTP/1.1\r\nHost: x\r\nx-gatehouse-token: ${token}\r\nConnection: close\r\n\r\n`;
      const { status, head } = parseRaw((await rawExchange(shim.port, req)).text);
      assert.equal(status, 403, `${query}: ${head}`);
      assert.doesNotMatch(head, /receive-pack-advertisement/);
    }
    for (const path of ['git-receive-pack;x', 'GIT-RECEIVE-PACK', 'git%2dreceive%2dpack', 'git%252dreceive%252dpack']) {
      const req = `POST /git/app.git/${path} HTTP/1.1\r\nHost: x\r\nx-gatehouse-token: ${token}\r\nContent-Type: application/x-git-receive-pack-request\r\nContent-Length: 4\r\nConnection: close\r\n\r\n0000`;
      const { status } = parseRaw((await rawExchange(shim.port, req)).text);
      assert.equal(status, 403, path);
    }
    assert.equal(git.authorizations.length, before, 'a push spelling reached git http-backend');
    // The fetch spelling still works.
    const fetch = parseRaw((await rawExchange(shim.port, `GET /git/app.git/info/refs?service=git-upload-pack HTTP/1.1\r\nHost: x\r\nx-gatehouse-token: ${token}\r\nConnection: close\r\n\r\n`)).text);
    assert.equal(fetch.status, 200);
  });

  it(
    'git push cannot get past the refusal by spelling git-receive-pack differently',
    async () => {
      // A client-side proxy re-spells git's requests the way an untrusted client could by hand.
      const dest = join(box.root, 'clone');
      const respell: Server = createServer((req, res) => {
        const path = (req.url ?? '/')
          .replace(/\/git-receive-pack$/, '/git%2Dreceive%2Dpack')
          .replace(/service=git-receive-pack/, 'service=git-upload-pack&service=git-receive-pack');
        const out = httpRequest({ host: '127.0.0.1', port: shim.port, method: req.method, path, headers: req.headers }, (up) => {
          res.writeHead(up.statusCode ?? 502, up.headers);
          up.pipe(res);
        });
        out.on('error', () => res.destroy());
        req.pipe(out);
      });
      await new Promise<void>((resolve) => respell.listen(0, '127.0.0.1', resolve));
      try {
        const before = upstream.ref('refs/heads/main');
        const client = TestRepo.open(dest);
        const port = (respell.address() as AddressInfo).port;
        const push = await gitVia(dest, token, 'push', `http://127.0.0.1:${port}/git/app.git`, 'main');
        const landed = upstream.ref('refs/heads/main');
        assert.notEqual(push.code, 0, `the push went through the shim to the upstream (${before} -> ${landed})`);
        assert.equal(landed, before);
        assert.notEqual(landed, client.head());
      } finally {
        await new Promise<void>((resolve) => {
          respell.close(() => resolve());
          respell.closeAllConnections();
        });
      }
    },
  );

  it('the credential appears in no command line, no stderr, no log line', () => {
    commandLines.push(...allCommandLines());
    for (const line of commandLines) assertNoSecret(box, line, `a command line (${line.slice(0, 80)})`, GIT_USER);
    assertNoSecret(box, shim.stderr(), 'stderr', GIT_USER);
    const log = readLog(box);
    assert.ok(log.filter((l) => l.msg === 'request').length >= 3);
    assertNoSecret(box, JSON.stringify(log), 'the log file', GIT_USER);
  });
});
