// A gate whose upstream is reached over SSH (Debian's openssh-server on a loopback port): key
// auth with a 0600 key, the host key pinned in known_hosts, StrictHostKeyChecking=yes.
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { assertBuilt, BINARY, run } from '../helpers/binary.ts';
import { GIT_ENV, TestRepo } from '../helpers/git.ts';
import { waitForPort } from '../helpers/net.ts';
import { freePort } from '../helpers/redis.ts';
import { FAKE } from '../helpers/secrets.ts';
import { tempDir } from '../helpers/tmp.ts';
import { gatehouseEnv } from '../helpers/gate.ts';

const SSHD = '/usr/sbin/sshd';

describe('gate with an SSH upstream', { skip: process.getuid?.() !== 0 ? 'sshd for the test runs as root' : false }, () => {
  let root: string;
  let env: NodeJS.ProcessEnv;
  let sshd: ChildProcess;
  let sshPort: number;
  let upstream: TestRepo;
  const cleanups: Array<() => void> = [];

  const keygen = (file: string) => spawnSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', file], { encoding: 'utf8' });

  before(async () => {
    assertBuilt();
    if (!existsSync(SSHD)) throw new Error('openssh-server is not installed (scripts/test-deps.sh installs it)');
    root = tempDir({ after: (fn: () => void) => cleanups.push(fn) }, 'gatehouse-ssh');
    env = gatehouseEnv(root, '[gate]\nfreshness_seconds = 0\n');
    mkdirSync('/run/sshd', { recursive: true });
    keygen(join(root, 'host_key'));
    keygen(join(root, 'gate_key'));
    chmodSync(join(root, 'gate_key'), 0o600);
    writeFileSync(join(root, 'authorized_keys'), readFileSync(join(root, 'gate_key.pub')));
    chmodSync(join(root, 'authorized_keys'), 0o600);
    sshPort = await freePort();
    writeFileSync(
      join(root, 'sshd_config'),
      [
        `Port ${sshPort}`,
        'ListenAddress 127.0.0.1',
        `HostKey ${join(root, 'host_key')}`,
        `AuthorizedKeysFile ${join(root, 'authorized_keys')}`,
        `PidFile ${join(root, 'sshd.pid')}`,
        'PasswordAuthentication no',
        'KbdInteractiveAuthentication no',
        'PermitRootLogin prohibit-password',
        'StrictModes no',
        'UsePAM no',
        `SetEnv PATH=${process.env.PATH}`,
      ].join('\n') + '\n',
    );
    sshd = spawn(SSHD, ['-D', '-e', '-f', join(root, 'sshd_config')], { stdio: 'ignore' });
    await waitForPort(sshPort);
    const hostKey = readFileSync(join(root, 'host_key.pub'), 'utf8').split(' ').slice(0, 2).join(' ');
    writeFileSync(join(root, 'known_hosts'), `[127.0.0.1]:${sshPort} ${hostKey}\n`);
    const seed = new TestRepo(join(root, 'seed'));
    seed.commit('initial', { 'README.md': '# app\n' });
    upstream = new TestRepo(join(root, 'upstream.git'), { bare: true });
    seed.git('push', '-q', upstream.dir, 'main');
  });

  after(() => {
    sshd?.kill('SIGTERM');
    for (const fn of cleanups) fn();
  });

  const sshUrl = () => `ssh://root@127.0.0.1:${sshPort}${upstream.dir}`;

  it('refuses an SSH key without a pinned known_hosts, and a key readable by others', async () => {
    const noPin = await run(BINARY, ['mirror', 'add', 'nopin', sshUrl(), '--ssh-key', join(root, 'gate_key')], { env });
    assert.equal(noPin.code, 2);
    assert.match(noPin.stderr, /--known-hosts/);
    writeFileSync(join(root, 'loose_key'), readFileSync(join(root, 'gate_key')), { mode: 0o644 });
    chmodSync(join(root, 'loose_key'), 0o644);
    const loose = await run(BINARY, ['mirror', 'add', 'loose', sshUrl(), '--ssh-key', join(root, 'loose_key'), '--known-hosts', join(root, 'known_hosts')], { env });
    assert.equal(loose.code, 2);
    assert.match(loose.stderr, /readable by others/);
  });

  it('refuses an upstream whose host key does not match the pin', async () => {
    keygen(join(root, 'other_host'));
    const wrong = readFileSync(join(root, 'other_host.pub'), 'utf8').split(' ').slice(0, 2).join(' ');
    writeFileSync(join(root, 'wrong_known_hosts'), `[127.0.0.1]:${sshPort} ${wrong}\n`);
    const result = await run(BINARY, ['mirror', 'add', 'spoofed', sshUrl(), '--ssh-key', join(root, 'gate_key'), '--known-hosts', join(root, 'wrong_known_hosts')], { env });
    assert.equal(result.code, 2);
    assert.match(result.stderr, /fetch from upstream failed/);
  });

  it('mirrors over SSH, forwards a clean push, refuses a secret; the client holds no key', async () => {
    const added = await run(BINARY, ['mirror', 'add', 'app', sshUrl(), '--ssh-key', join(root, 'gate_key'), '--known-hosts', join(root, 'known_hosts')], { env });
    assert.equal(added.code, 0, added.stderr);
    const port = await freePort();
    const daemon = spawn(BINARY, ['daemon', '--port', String(port)], { env, stdio: 'ignore' });
    try {
      await waitForPort(port);
      const clientEnv = { ...GIT_ENV, HOME: join(root, 'home'), GIT_SSH_COMMAND: 'false' };
      const dest = join(root, 'client');
      assert.equal((await run('git', ['clone', '-q', `git://127.0.0.1:${port}/app.git`, dest], { env: clientEnv })).code, 0);
      const client = TestRepo.open(dest);
      const clean = client.commit('clean', { 'ok.txt': 'ok\n' });
      const pushed = await run('git', ['push', 'origin', 'main'], { env: clientEnv, cwd: dest });
      assert.equal(pushed.code, 0, pushed.stderr);
      assert.equal(upstream.ref('refs/heads/main'), clean);
      client.commit('leak', { 'leak.txt': `${FAKE.githubPat()}\n` });
      const refused = await run('git', ['push', 'origin', 'main'], { env: clientEnv, cwd: dest });
      assert.notEqual(refused.code, 0);
      assert.equal(upstream.ref('refs/heads/main'), clean);
    } finally {
      daemon.kill('SIGTERM');
    }
  });
});
