// `gatehouse credential login HOST` as a person meets it: in a real pseudo-terminal (node-pty),
// typing at the prompts. The username echoes, the password never does; the stored credential
// then answers git; Ctrl-C at the password prompt stores nothing and exits non-zero.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import * as pty from 'node-pty';
import { assertBuilt, BINARY, run } from '../helpers/binary.ts';
import { credentialSandbox, gitCredential, sleep, storedCredentials, type CredentialSandbox } from '../helpers/credential.ts';
import { tempDir } from '../helpers/tmp.ts';

const PASSWORD = 'pty-typed-pass-Rk28vN';

interface Session {
  /** Everything the terminal showed so far. */
  screen(): string;
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<void>;
  /** Types text once the program has had a moment to switch the terminal mode after its prompt. */
  type(text: string): Promise<void>;
  exited: Promise<{ exitCode: number; signal?: number }>;
}

function login(sb: CredentialSandbox, host: string, extraArgs: string[] = []): Session {
  const term = pty.spawn(BINARY, ['credential', 'login', host, ...extraArgs], {
    name: 'xterm',
    cols: 200,
    rows: 30,
    cwd: sb.root,
    env: sb.env as Record<string, string>,
  });
  let output = '';
  const waiters: Array<() => void> = [];
  term.onData((data) => {
    output += data;
    for (const w of waiters.splice(0)) w();
  });
  const exited = new Promise<{ exitCode: number; signal?: number }>((resolve) => term.onExit(resolve));
  return {
    screen: () => output,
    async waitFor(pattern, timeoutMs = 15_000) {
      const deadline = Date.now() + timeoutMs;
      while (!pattern.test(output)) {
        if (Date.now() > deadline) {
          term.kill();
          throw new Error(`timed out waiting for ${pattern}; the terminal showed ${JSON.stringify(output)}`);
        }
        await Promise.race([new Promise<void>((r) => waiters.push(r)), sleep(100)]);
      }
    },
    async type(text) {
      await sleep(250);
      term.write(text);
    },
    exited,
  };
}

describe('gatehouse credential login, in a terminal', () => {
  let root: string;
  const cleanups: Array<() => void> = [];
  let n = 0;
  before(() => {
    assertBuilt();
    root = tempDir({ after: (fn: () => void) => cleanups.push(fn) }, 'gatehouse-cred-login');
  });
  after(() => cleanups.forEach((fn) => fn()));
  const sandbox = () => credentialSandbox(join(root, `sb-${++n}`));

  it('echoes the username, never the password, and the stored credential answers git', async () => {
    const sb = sandbox();
    const session = login(sb, 'git.example.com');
    await session.waitFor(/Username for https:\/\/git\.example\.com: /);
    await session.type('alicx\x7fe\r'); // a typo, corrected with backspace
    await session.waitFor(/Password or token for https:\/\/alice@git\.example\.com: /);
    const beforePassword = session.screen().length;
    await session.type(`${PASSWORD}\r`);
    const { exitCode } = await session.exited;
    const screen = session.screen();
    assert.equal(exitCode, 0, screen);
    assert.match(screen, /Username for https:\/\/git\.example\.com: alic/, 'the username echoes as typed');
    assert.match(screen, /stored alice@git\.example\.com \(https\), encrypted/);
    assert.equal(screen.includes(PASSWORD), false, 'the password never appears on the terminal');
    assert.equal(screen.slice(beforePassword).replace(/stored alice@git\.example\.com \(https\), encrypted/, '').replace(/[\r\n]/g, ''), '', 'nothing at all is shown while the password is typed');

    const fill = await gitCredential(sb, 'fill', 'protocol=https\nhost=git.example.com\n');
    assert.equal(fill.code, 0, fill.stderr);
    assert.equal(fill.stdout, `protocol=https\nhost=git.example.com\nusername=alice\npassword=${PASSWORD}\n`);
    assert.equal(fill.stderr, '', 'git did not have to ask');
  });

  it('--username skips the username prompt', async () => {
    const sb = sandbox();
    const session = login(sb, 'git.example.com:8443', ['--username', 'bob', '--protocol', 'http']);
    await session.waitFor(/Password or token for http:\/\/bob@git\.example\.com:8443: /);
    await session.type(`${PASSWORD}-bob\r`);
    assert.equal((await session.exited).exitCode, 0, session.screen());
    assert.doesNotMatch(session.screen(), /Username for/);
    assert.equal(session.screen().includes(PASSWORD), false);
    const fill = await gitCredential(sb, 'fill', 'protocol=http\nhost=git.example.com:8443\n');
    assert.equal(fill.stdout, `protocol=http\nhost=git.example.com:8443\nusername=bob\npassword=${PASSWORD}-bob\n`);
  });

  it('a URL is stored under its protocol, host and username, as git asks for it', async () => {
    const sb = sandbox();
    const session = login(sb, 'https://frank@git.example.com:8443/org/app.git');
    await session.waitFor(/Password or token for https:\/\/frank@git\.example\.com:8443: /);
    await session.type(`${PASSWORD}-url\r`);
    assert.equal((await session.exited).exitCode, 0, session.screen());
    assert.match(session.screen(), /stored frank@git\.example\.com:8443 \(https\), encrypted/);
    const fill = await gitCredential(sb, 'fill', 'url=https://git.example.com:8443/org/app.git\n');
    assert.equal(fill.stdout, `protocol=https\nhost=git.example.com:8443\nusername=frank\npassword=${PASSWORD}-url\n`);
    assert.equal(fill.stderr, '', 'git did not have to ask');
  });

  it('a URL holding a password, or a path without a scheme, is refused before any prompt', async () => {
    const sb = sandbox();
    for (const target of [`https://frank:${PASSWORD}@git.example.com/org/app.git`, 'git.example.com/org/app.git']) {
      const r = await run(BINARY, ['credential', 'login', target], { env: sb.env, cwd: sb.root });
      assert.equal(r.code, 2, r.stderr);
      assert.doesNotMatch(r.stderr, /needs a terminal/);
      assert.equal(r.stderr.includes(PASSWORD), false);
    }
    assert.deepEqual(await storedCredentials(sb), []);
  });

  it('Ctrl-C at the password prompt stores nothing and exits non-zero', async () => {
    const sb = sandbox();
    const session = login(sb, 'git.example.com');
    await session.waitFor(/Username for https:\/\/git\.example\.com: /);
    await session.type('carol\r');
    await session.waitFor(/Password or token for https:\/\/carol@git\.example\.com: /);
    await session.type(`half-${PASSWORD}`);
    await session.type('\x03');
    const { exitCode } = await session.exited;
    const screen = session.screen();
    assert.notEqual(exitCode, 0, screen);
    assert.match(screen, /cancelled; nothing was stored/);
    assert.equal(screen.includes(`half-${PASSWORD}`), false);
    assert.deepEqual(await storedCredentials(sb), []);
    assert.equal(existsSync(join(sb.stateDir, 'credential.key')), false, 'not even a store key was made');
    const fill = await gitCredential(sb, 'fill', 'protocol=https\nhost=git.example.com\n');
    assert.match(fill.stderr, /askpass: Username for 'https:\/\/git\.example\.com':/, 'git has to ask');
  });

  it('an empty password stores nothing', async () => {
    const sb = sandbox();
    const session = login(sb, 'git.example.com', ['--username', 'dave']);
    await session.waitFor(/Password or token for/);
    await session.type('\r');
    const { exitCode } = await session.exited;
    assert.notEqual(exitCode, 0);
    assert.match(session.screen(), /empty password; nothing was stored/);
    assert.deepEqual(await storedCredentials(sb), []);
  });

  it('without a terminal it refuses to prompt', async () => {
    const sb = sandbox();
    const r = await run(BINARY, ['credential', 'login', 'git.example.com'], { env: sb.env, cwd: sb.root, input: `eve\n${PASSWORD}\n` });
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /needs a terminal/);
    assert.deepEqual(await storedCredentials(sb), []);
  });
});
