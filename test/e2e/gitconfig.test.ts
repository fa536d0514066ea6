// gatehouse gitconfig as an agent's machine meets it: the printed config becomes the agent's
// global git config, and `git ls-remote --get-url` shows where git would really go for each URL.
// Every spelling of a mirrored repository goes to the gate; every other URL, however much it
// starts like a mirrored one, stays as it is. With --token-file, a clone over smart HTTP carries
// the agent's token as a header to the gate, never in a URL.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { assertBuilt, BINARY, run } from '../helpers/binary.ts';
import { gatehouseEnv } from '../helpers/gate.ts';
import { startGateServer } from '../helpers/gate-server.ts';
import { GIT_ENV, TestRepo } from '../helpers/git.ts';
import { startHttpGitServer } from '../helpers/http-backend.ts';
import { freePort } from '../helpers/net.ts';
import { tempDir } from '../helpers/tmp.ts';

const GATE = 'git://127.0.0.1:9418';

/** A mirror set up the documented way for a bare repository: gatehouse.* in its git config. */
function mirrorOf(stateDir: string, name: string, upstream: string): void {
  const gitDir = join(stateDir, 'mirrors', `${name}.git`);
  execFileSync('git', ['init', '-q', '--bare', gitDir], { env: GIT_ENV });
  execFileSync('git', ['config', 'gatehouse.upstream', upstream], { cwd: gitDir, env: { ...GIT_ENV, GIT_DIR: gitDir } });
}

const TO_GATE: Record<string, string> = {
  'https://github.com/org/app': 'org/app',
  'https://github.com/org/app.git': 'org/app',
  'https://github.com/org/app/': 'org/app',
  'https://github.com/org/app.git/': 'org/app',
  'git@github.com:org/app': 'org/app',
  'git@github.com:org/app.git': 'org/app',
  'ssh://git@github.com/org/app': 'org/app',
  'ssh://git@github.com/org/app.git': 'org/app',
  'https://github.com/org/app-web.git': 'org/app-web',
  'https://github.com/org/app-web': 'org/app-web',
  // An upstream with a port and without .git.
  'https://git.example.com:8443/team/svc': 'svc',
  'https://git.example.com:8443/team/svc.git': 'svc',
  'https://git.example.com:8443/team/svc/': 'svc',
  // An scp-style SSH upstream.
  'git@gitlab.example.com:group/tool.git': 'tool',
  'git@gitlab.example.com:group/tool': 'tool',
  'ssh://git@gitlab.example.com/group/tool.git': 'tool',
  'https://gitlab.example.com/group/tool': 'tool',
  // ssh:// with its own port.
  'ssh://git@git.example.com:2222/team/infra.git': 'infra',
  'ssh://git@git.example.com:2222/team/infra': 'infra',
};

const UNCHANGED = [
  'https://github.com/org/app-docs.git',
  'https://github.com/org/app-docs',
  'https://github.com/org/apple',
  'https://github.com/org/apple.git',
  'https://github.com/org/app.git2',
  'https://github.com/org/app.g',
  'https://github.com/org/app.github',
  'https://github.com/org/app.git.bak',
  'https://github.com/org/app/sub',
  'https://github.com/org/app/sub.git',
  'https://github.com/org/app.git/sub',
  'https://github.com/org/app_1',
  'https://github.com/org/ap',
  'https://github.com/org/app-webhook.git',
  'https://github.com/org/app-we',
  'git@github.com:org/app-docs.git',
  'git@github.com:org/apple',
  'ssh://git@github.com/org/app.git2',
  'https://git.example.com/team/svc.git',
  'https://git.example.com:8443/team/svc-admin.git',
  'https://git.example.com:8443/team/svc2',
  'https://git.example.com:9443/team/svc.git',
  'git@gitlab.example.com:group/toolbox.git',
  'git@git.example.com:team/infra.git',
  'ssh://git@git.example.com/team/infra.git',
  'ssh://git@git.example.com:2222/team/infra-old.git',
  'https://gitlab.example.com/group/tool;x',
  'https://gitlab.example.com/group/tool"x',
];

describe('gatehouse gitconfig', () => {
  it('sends every spelling of a mirrored repository to the gate and leaves every other URL alone', async (t) => {
    assertBuilt();
    const root = tempDir(t, 'gatehouse-gitconfig');
    const env = gatehouseEnv(root);
    const stateDir = join(root, 'state/gatehouse');
    mirrorOf(stateDir, 'org/app', 'https://github.com/org/app.git');
    mirrorOf(stateDir, 'org/app-web', 'https://github.com/org/app-web');
    mirrorOf(stateDir, 'svc', 'https://git.example.com:8443/team/svc');
    mirrorOf(stateDir, 'tool', 'git@gitlab.example.com:group/tool.git');
    mirrorOf(stateDir, 'infra', 'ssh://git@git.example.com:2222/team/infra.git');

    const printed = await run(BINARY, ['gitconfig', '--gate', GATE], { env });
    assert.equal(printed.code, 0, printed.stderr);
    const agentConfig = join(root, 'agent.gitconfig');
    writeFileSync(agentConfig, printed.stdout);
    const agentEnv = { ...GIT_ENV, HOME: join(root, 'home'), GIT_CONFIG_GLOBAL: agentConfig };
    const urlFor = (url: string) => execFileSync('git', ['ls-remote', '--get-url', url], { cwd: root, env: agentEnv, encoding: 'utf8' }).trim();

    const wrong: string[] = [];
    for (const [url, mirror] of Object.entries(TO_GATE)) {
      const got = urlFor(url);
      if (got !== `${GATE}/${mirror}.git`) wrong.push(`${url} -> ${got} (want the gate's ${mirror})`);
    }
    for (const url of UNCHANGED) {
      const got = urlFor(url);
      if (got !== url) wrong.push(`${url} -> ${got} (want it unchanged)`);
    }
    assert.deepEqual(wrong, []);
  });

  it('--token-file: a clone over smart HTTP carries the token as a header to the gate, in no URL and no argv', async (t) => {
    assertBuilt();
    const root = tempDir(t, 'gatehouse-gitconfig-http');
    const env = gatehouseEnv(root);
    const projects = join(root, 'upstream');
    const seed = new TestRepo(join(root, 'seed'));
    seed.commit('initial', { 'README.md': '# app\n' });
    seed.git('init', '-q', '--bare', join(projects, 'app.git'));
    seed.git('push', '-q', join(projects, 'app.git'), 'main');
    const upstream = await startHttpGitServer(projects);
    t.after(() => upstream.close());
    const upstreamUrl = `${upstream.url}/app.git`;
    const added = await run(BINARY, ['mirror', 'add', 'app', upstreamUrl], { env });
    assert.equal(added.code, 0, added.stderr);

    const httpPort = await freePort();
    const gate = await startGateServer(t, ['serve', '--http-port', String(httpPort)], env, [httpPort]);
    const minted = await run(BINARY, ['token', 'mint', '--repo', 'app'], { env });
    assert.equal(minted.code, 0, minted.stderr);
    const token = minted.stdout.trim();
    const tokenFile = join(root, 'agent.token');
    writeFileSync(tokenFile, `${token}\n`, { mode: 0o644 });

    const gateUrl = `http://127.0.0.1:${httpPort}/git`;
    const loose = await run(BINARY, ['gitconfig', '--gate', gateUrl, '--token-file', tokenFile], { env });
    assert.equal(loose.code, 2, 'a token file others can read is refused');
    assert.match(loose.stderr, /chmod 600/);
    assert.ok(!loose.stderr.includes(token));

    execFileSync('chmod', ['600', tokenFile]);
    const printed = await run(BINARY, ['gitconfig', '--gate', gateUrl, '--token-file', tokenFile], { env });
    assert.equal(printed.code, 0, printed.stderr);
    assert.match(printed.stdout, new RegExp(`\\[http "${gateUrl.replace(/[.]/g, '\\.')}/"\\]\\n\\textraHeader = "Authorization: Bearer ${token.replace(/[.]/g, '\\.')}"`));
    const agentConfig = join(root, 'agent.gitconfig');
    writeFileSync(agentConfig, printed.stdout, { mode: 0o600 });
    const agentEnv = { ...GIT_ENV, HOME: join(root, 'home'), GIT_CONFIG_GLOBAL: agentConfig, GIT_TERMINAL_PROMPT: '0' };

    const clone = await run('git', ['clone', '-q', upstreamUrl, join(root, 'clone')], { env: agentEnv, cwd: root });
    assert.equal(clone.code, 0, clone.stderr);
    assert.match(await gate.waitForStderr(/"serving"[^\n]*"repo":"app"/), /"service":"git-upload-pack"/);
    const origin = execFileSync('git', ['config', 'remote.origin.url'], { cwd: join(root, 'clone'), env: agentEnv, encoding: 'utf8' }).trim();
    assert.equal(origin, upstreamUrl, 'the clone keeps the URL the agent typed; git rewrites it on each use');
  });
});
