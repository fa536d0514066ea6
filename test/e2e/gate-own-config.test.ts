// The gate's hooks run with the configuration the server was started with: `gatehouse --config F
// --state-dir S daemon|serve`, with F and S away from the XDG defaults. The pre-receive hook (run
// by git daemon's receive-pack, or by git http-backend's) must use F's gate.rules, F's log file
// and S's state, not whatever the defaults would give; the credential helper that mirror add, the
// refresh before a clone and the forward of a push run must answer with F's credential rule.
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { assertBuilt, BINARY, run } from '../helpers/binary.ts';
import { gatehouseEnv } from '../helpers/gate.ts';
import { gitDaemonsOver, startGateServer } from '../helpers/gate-server.ts';
import { GIT_ENV, TestRepo } from '../helpers/git.ts';
import { startHttpGitServer } from '../helpers/http-backend.ts';
import { freePort } from '../helpers/net.ts';
import { FAKE } from '../helpers/secrets.ts';
import { tempDir } from '../helpers/tmp.ts';

/** Caught only by the operator's own rule (the built-in rules see nothing in it). */
const ACME_KEY = 'ACME-' + '3f9c2a7e1b8d4f60a5c9e2d7b1f4a8c3';

const OPERATOR_RULES = `# the operator's rules: the built-in ones plus an in-house key format
[extend]
useDefault = true

[[rules]]
id = "acme-internal-key"
description = "ACME internal service key"
regex = '''ACME-[0-9a-f]{32}'''
keywords = ["acme-"]
`;

/** The upstream's basic-auth password: in the gate's environment, named only by F's credential rule. */
const UPSTREAM_PASSWORD = 'upstream-' + 'pw-8d2b6f0a4c1e';

type T = { after(fn: () => unknown): void };

interface OperatorGate {
  root: string;
  env: NodeJS.ProcessEnv;
  /** --config FILE --state-dir DIR, the operator's choice, for every gatehouse command. */
  global: string[];
  stateDir: string;
  /** The state dir the defaults would give (XDG_STATE_HOME/gatehouse). */
  defaultStateDir: string;
  upstream: TestRepo;
  closeUpstream(): Promise<void>;
}

/**
 * A gate configured only through --config and --state-dir, with one mirror of an upstream served
 * over HTTP with basic auth (git http-backend in this process).
 */
async function operatorGate(t: T, options: { logFile?: string } = {}): Promise<OperatorGate> {
  const root = tempDir(t, 'gatehouse-own-config');
  // No config file at XDG_CONFIG_HOME: the defaults would be the built-in rules, no credential
  // rule and the XDG state dir.
  const env = gatehouseEnv(root, undefined, { UPSTREAM_PASSWORD });
  const etc = join(root, 'etc/gate');
  mkdirSync(etc, { recursive: true });
  writeFileSync(join(etc, 'rules.toml'), OPERATOR_RULES);
  const configFile = join(etc, 'gate.toml');
  const logLines = options.logFile ? `[log]\nfile = "${options.logFile}"\n` : '';
  const credentialRule = '[[credential.rule]]\nname = "upstream"\nprotocol = "http"\nhost = "127.0.0.1:*"\nusername = "gate-bot"\nsource = "env"\nenv = "UPSTREAM_PASSWORD"\n';
  writeFileSync(configFile, `${logLines}[gate]\nrules = "${join(etc, 'rules.toml')}"\nfreshness_seconds = 0\n\n${credentialRule}`);
  const stateDir = join(root, 'srv/gate-state');
  const global = ['--config', configFile, '--state-dir', stateDir];
  const seed = new TestRepo(join(root, 'seed'));
  seed.commit('initial', { 'README.md': '# app\n' });
  const upstream = new TestRepo(join(root, 'upstreams/app.git'), { bare: true });
  upstream.git('config', 'http.receivepack', 'true');
  seed.git('push', '-q', upstream.dir, 'main');
  const server = await startHttpGitServer(join(root, 'upstreams'), { user: 'gate-bot', password: UPSTREAM_PASSWORD });
  let closed = false;
  const closeUpstream = async () => {
    if (!closed) await server.close();
    closed = true;
  };
  t.after(closeUpstream);
  // Never spawnSync from here on: the upstream's HTTP server runs in this process.
  const added = await run(BINARY, [...global, 'mirror', 'add', 'app', `${server.url}/app.git`, '--credential', 'upstream'], { env });
  assert.equal(added.code, 0, `mirror add fetches with the rule from --config: ${added.stderr}`);
  return { root, env, global, stateDir, defaultStateDir: join(root, 'state/gatehouse'), upstream, closeUpstream };
}

/**
 * Pushes through the gate: a value only the operator's rule catches and a value the built-in
 * rules catch are both refused, a clean commit is forwarded.
 */
async function pushesMeetTheOperatorsRules(gate: OperatorGate, client: TestRepo, git: (cwd: string, ...args: string[]) => Promise<{ code: number | null; stderr: string }>) {
  const start = gate.upstream.ref('refs/heads/main');
  client.commit('acme', { 'deploy/notes.txt': `the build server reads ${ACME_KEY} at start\n` });
  const acme = await git(client.dir, 'push', 'origin', 'main');
  assert.notEqual(acme.code, 0, 'a key only the operator rule catches is refused');
  assert.match(acme.stderr, /push REJECTED: secrets found/);
  assert.match(acme.stderr, /acme-internal-key/);
  assert.equal(acme.stderr.includes(ACME_KEY), false, 'the client is not shown the key');
  assert.equal(gate.upstream.ref('refs/heads/main'), start, 'nothing reached the upstream');

  client.git('reset', '-q', '--hard', 'HEAD~1');
  client.commit('pat', { 'leak.env': `TOKEN=${FAKE.githubPat()}\n` });
  const pat = await git(client.dir, 'push', 'origin', 'main');
  assert.notEqual(pat.code, 0, 'the built-in rules still apply (useDefault)');
  assert.match(pat.stderr, /github-pat/);
  assert.equal(gate.upstream.ref('refs/heads/main'), start);

  client.git('reset', '-q', '--hard', 'HEAD~1');
  const clean = client.commit('clean', { 'ok.txt': 'ok\n' });
  const ok = await git(client.dir, 'push', 'origin', 'main');
  assert.equal(ok.code, 0, ok.stderr);
  assert.equal(gate.upstream.ref('refs/heads/main'), clean);
}

/** The hook's log records the refusal by the operator's rule, and holds neither value. */
function assertHookLog(path: string) {
  assert.ok(existsSync(path), `the hooks log to ${path}`);
  const records = readFileSync(path, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
  const refusals = records.filter((r) => r.role === 'pre-receive' && r.msg === 'push refused: secrets found');
  assert.ok(refusals.some((r) => JSON.stringify(r).includes('acme-internal-key')), `the refusal by acme-internal-key is logged: ${JSON.stringify(records)}`);
  const text = readFileSync(path, 'utf8');
  assert.equal(text.includes(UPSTREAM_PASSWORD), false);
  assert.equal(text.includes(ACME_KEY), false);
  assert.equal(text.includes(FAKE.githubPat()), false);
}

describe("the gate's hooks use the server's --config and --state-dir", () => {
  it('gatehouse daemon: pushes over git:// meet the operator rules; the log is in the given state dir', async (t) => {
    assertBuilt();
    const gate = await operatorGate(t);
    const port = await freePort();
    const server = await startGateServer(t, [...gate.global, 'daemon', '--port', String(port)], gate.env, [port]);
    const git = (cwd: string, ...args: string[]) => run('git', args, { cwd, env: gate.env });
    const dest = join(gate.root, 'client');
    const cloned = await git(gate.root, 'clone', '-q', `git://127.0.0.1:${port}/app.git`, dest);
    assert.equal(cloned.code, 0, cloned.stderr);
    await pushesMeetTheOperatorsRules(gate, TestRepo.open(dest), git);

    assertHookLog(join(gate.stateDir, 'gate.log'));
    assert.equal(existsSync(gate.defaultStateDir), false, 'nothing went to the default state dir');
    assert.equal(await server.stop(), 0);
    assert.deepEqual(gitDaemonsOver(join(gate.stateDir, 'mirrors')), [], 'no git daemon survives');
    await gate.closeUpstream();
  });

  it('gatehouse serve: pushes over smart HTTP meet the operator rules; the log is the given log file', async (t) => {
    assertBuilt();
    const logFile = join(tempDir(t, 'gatehouse-own-log'), 'gate.jsonl');
    const gate = await operatorGate(t, { logFile });
    const httpPort = await freePort();
    const server = await startGateServer(t, [...gate.global, 'serve', '--port', String(await freePort()), '--http-port', String(httpPort)], gate.env, [httpPort]);
    const minted = await run(BINARY, [...gate.global, 'token', 'mint', '--repo', 'app', '--scope', 'write'], { env: gate.env });
    assert.equal(minted.code, 0, minted.stderr);
    const token = minted.stdout.trim();
    // The token travels in config from the environment, never in argv or the URL.
    const git = (cwd: string, ...args: string[]) =>
      run('git', args, {
        cwd,
        env: { ...GIT_ENV, HOME: join(gate.root, 'home'), GIT_TERMINAL_PROMPT: '0', GIT_CONFIG_COUNT: '1', GIT_CONFIG_KEY_0: 'http.extraHeader', GIT_CONFIG_VALUE_0: `Authorization: Bearer ${token}` },
      });
    const dest = join(gate.root, 'client');
    const cloned = await git(gate.root, 'clone', '-q', `http://127.0.0.1:${httpPort}/git/app`, dest);
    assert.equal(cloned.code, 0, cloned.stderr);
    await pushesMeetTheOperatorsRules(gate, TestRepo.open(dest), git);

    assertHookLog(logFile);
    assert.equal(existsSync(join(gate.stateDir, 'gate.log')), false, 'log.file, not the state dir, holds the log');
    assert.equal(existsSync(gate.defaultStateDir), false, 'nothing went to the default state dir');
    assert.equal(await server.stop(), 0);
    assert.deepEqual(gitDaemonsOver(join(gate.stateDir, 'mirrors')), [], 'no git daemon survives');
    await gate.closeUpstream();
  });
});
