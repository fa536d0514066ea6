// Real clones and pushes over smart HTTP with basic auth (git http-backend behind node's http
// server), git asking gatehouse for the password: (a) from an env rule, (b) from the encrypted
// store after `git credential approve`. The server must see the right Authorization, and the
// password must appear in no process's argv (read from /proc while git runs, and in GIT_TRACE's
// record of every command git starts) and in no file, the state dir included, except sealed.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { assertBuilt, run } from '../helpers/binary.ts';
import { credentialSandbox, filesContaining, gitCredential, storedCredentials, writeConfig, type CredentialSandbox } from '../helpers/credential.ts';
import { TestRepo } from '../helpers/git.ts';
import { startHttpGitServer, type HttpGitServer } from '../helpers/http-backend.ts';
import { tempDir } from '../helpers/tmp.ts';

const USER = 'git-user';
const PASSWORD = 'http-basic-pass-Vb93nQ2x';

interface SeenProcess {
  pid: number;
  cmdline: string;
  environ: string;
}

/**
 * Watches the process tree under rootPid through /proc, every few milliseconds, recording each
 * process's argv and environment once (children that live for less than a poll can be missed;
 * the test asserts the ones it needs were seen).
 */
function watchTree(rootPid: number): { stop(): SeenProcess[] } {
  const tree = new Set<number>([rootPid]);
  const seen = new Map<number, SeenProcess>();
  const read = (path: string) => {
    try {
      return readFileSync(path).toString('utf8').replaceAll('\0', ' ').trim();
    } catch {
      return null;
    }
  };
  const poll = () => {
    let pids: number[];
    try {
      pids = readdirSync('/proc').filter((d) => /^\d+$/.test(d)).map(Number).sort((a, b) => a - b);
    } catch {
      return;
    }
    for (const pid of pids) {
      if (!tree.has(pid)) {
        const stat = read(`/proc/${pid}/stat`);
        const ppid = stat ? Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]) : NaN;
        if (!tree.has(ppid)) continue;
        tree.add(pid);
      }
      const cmdline = read(`/proc/${pid}/cmdline`);
      const prior = seen.get(pid);
      // record again when the argv changes (after an exec)
      if (cmdline && prior?.cmdline !== cmdline) seen.set(pid, { pid, cmdline, environ: read(`/proc/${pid}/environ`) ?? '' });
    }
  };
  const timer = setInterval(poll, 3);
  poll();
  return {
    stop() {
      clearInterval(timer);
      poll();
      return [...seen.values()];
    },
  };
}

describe('git over HTTP with basic auth, answered by gatehouse', () => {
  let root: string;
  let server: HttpGitServer;
  let upstream: TestRepo;
  const cleanups: Array<() => void> = [];
  let n = 0;

  before(async () => {
    assertBuilt();
    root = tempDir({ after: (fn: () => void) => cleanups.push(fn) }, 'gatehouse-cred-http');
    const seed = new TestRepo(join(root, 'seed'));
    seed.commit('initial', { 'README.md': '# app\n' });
    upstream = new TestRepo(join(root, 'repos/app.git'), { bare: true });
    upstream.git('config', 'http.receivepack', 'true');
    seed.git('push', '-q', upstream.dir, 'main');
    server = await startHttpGitServer(join(root, 'repos'), { user: USER, password: PASSWORD });
  });
  after(async () => {
    await server?.close();
    cleanups.forEach((fn) => fn());
  });

  const expectedAuth = `Basic ${Buffer.from(`${USER}:${PASSWORD}`).toString('base64')}`;

  /** A sandbox whose global git config names gatehouse as the helper, as a user would set it. */
  const sandbox = (extraEnv: NodeJS.ProcessEnv = {}): CredentialSandbox => {
    const sb = credentialSandbox(join(root, `sb-${++n}`), extraEnv);
    writeFileSync(sb.env.GIT_CONFIG_GLOBAL!, '[credential]\n\thelper = gatehouse\n');
    return sb;
  };

  /** git with GIT_TRACE on, its process tree watched; never sync: the server lives in this process. */
  const git = async (sb: CredentialSandbox, cwd: string, args: string[]) => {
    const trace = join(sb.root, `trace-${Date.now()}.log`);
    const child = spawn('git', args, { cwd, env: { ...sb.env, GIT_TRACE: trace, GIT_TERMINAL_PROMPT: '0', GIT_ASKPASS: '/bin/false' }, stdio: ['ignore', 'pipe', 'pipe'] });
    const watch = watchTree(child.pid!);
    let stderr = '';
    child.stdout.resume();
    child.stderr.on('data', (c: Buffer) => (stderr += c));
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    const processes = watch.stop();
    return { code, stderr, processes, trace: readFileSync(trace, 'utf8') };
  };

  const assertNoSecretInProcesses = (processes: SeenProcess[], trace: string, options: { environToo: boolean }) => {
    assert.ok(processes.some((p) => /git-remote-http|remote-https?/.test(p.cmdline)), `saw git-remote-http: ${processes.map((p) => p.cmdline).join(' | ')}`);
    assert.ok(processes.some((p) => p.cmdline.includes('credential-gatehouse')), `saw the helper: ${processes.map((p) => p.cmdline).join(' | ')}`);
    for (const p of processes) {
      assert.equal(p.cmdline.includes(PASSWORD), false, `password in argv of ${p.cmdline}`);
      if (options.environToo) assert.equal(p.environ.includes(PASSWORD), false, `password in the environment of ${p.cmdline}`);
    }
    assert.match(trace, /run_command: .*credential-gatehouse get/, 'GIT_TRACE recorded git starting the helper');
    assert.equal(trace.includes(PASSWORD), false, 'no password in any command git started (GIT_TRACE)');
  };

  const cloneAndPush = async (sb: CredentialSandbox, label: string, options: { environToo: boolean }) => {
    const authBefore = server.authorizations.length;
    const dest = join(sb.root, 'clone');
    const cloned = await git(sb, sb.root, ['clone', '-q', `${server.url}/app.git`, dest]);
    assert.equal(cloned.code, 0, cloned.stderr);
    assertNoSecretInProcesses(cloned.processes, cloned.trace, options);

    const client = TestRepo.open(dest);
    const commit = client.commit(`change from ${label}`, { [`${label}.txt`]: `${label}\n` });
    const pushed = await git(sb, dest, ['push', '-q', 'origin', 'main']);
    assert.equal(pushed.code, 0, pushed.stderr);
    assertNoSecretInProcesses(pushed.processes, pushed.trace, options);
    assert.equal(upstream.ref('refs/heads/main'), commit, 'the push landed');

    const seen = server.authorizations.slice(authBefore);
    assert.ok(seen.includes(''), 'git first tried without credentials (and got 401)');
    assert.ok(seen.includes(expectedAuth), 'then sent the right basic credentials');
    assert.deepEqual([...new Set(seen)].sort(), ['', expectedAuth].sort(), 'and never any other');
    assert.equal(readFileSync(join(dest, '.git/config'), 'utf8').includes(PASSWORD), false);
  };

  it('(a) from an env rule: clone and push; nothing is stored', async () => {
    const sb = sandbox({ GIT_HTTP_PASS: PASSWORD });
    // This server speaks plain http: a rule answers http:// only when it says so.
    writeConfig(sb, `[[credential.rule]]\nprotocol = "http"\nhost = "127.0.0.1:${server.port}"\nusername = "${USER}"\nsource = "env"\nenv = "GIT_HTTP_PASS"\n`);
    // the secret is in the environment by design here, so only argv is checked
    await cloneAndPush(sb, 'env-rule', { environToo: false });
    assert.deepEqual(await storedCredentials(sb), [], 'git approved the credential, but an env rule never stores');
    assert.deepEqual(filesContaining(sb.root, PASSWORD), [], 'no file holds the password');
  });

  it('(b) from the encrypted store after git credential approve: clone and push; the password only sealed', async () => {
    const sb = sandbox();
    const approved = await gitCredential(sb, 'approve', `protocol=http\nhost=127.0.0.1:${server.port}\nusername=${USER}\npassword=${PASSWORD}\n`, { helpers: [] });
    assert.equal(approved.code, 0, approved.stderr);
    const rows = await storedCredentials(sb);
    assert.deepEqual(rows.map((r) => [r.protocol, r.host, r.username]), [['http', `127.0.0.1:${server.port}`, USER]]);
    await cloneAndPush(sb, 'store', { environToo: true });
    assert.equal((await storedCredentials(sb)).length, 1, 'approve after success replaced the entry, did not add one');
    assert.deepEqual(filesContaining(sb.stateDir, PASSWORD), [], 'the plaintext password is in no file under the state dir');
    assert.deepEqual(filesContaining(sb.root, PASSWORD), [], 'nor anywhere else in the sandbox (clone, home, traces)');
    assert.ok(readdirSync(sb.stateDir).some((f) => f.startsWith('gatehouse.db')), 'the store is there, sealed');
  });

  it('a wrong stored password fails the clone, and git\'s reject erases exactly it', async () => {
    const sb = sandbox();
    const wrong = 'wrong-basic-pass-Qa1';
    assert.equal((await gitCredential(sb, 'approve', `protocol=http\nhost=127.0.0.1:${server.port}\nusername=${USER}\npassword=${wrong}\n`, { helpers: [] })).code, 0);
    const failed = await run('git', ['clone', '-q', `${server.url}/app.git`, join(sb.root, 'clone')], {
      env: { ...sb.env, GIT_TERMINAL_PROMPT: '0', GIT_ASKPASS: '/bin/false' },
      cwd: sb.root,
    });
    assert.notEqual(failed.code, 0);
    assert.equal(failed.stderr.includes(wrong), false);
    assert.deepEqual(await storedCredentials(sb), [], 'git rejected the failed password and the helper erased it');
  });
});
