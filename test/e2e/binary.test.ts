// The built binary, run as an operator and as git would run it: no node, no node_modules, env -i.
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { assertBuilt, BINARY, REPO_ROOT, roleLink, run } from '../helpers/binary.ts';
import { tempDir } from '../helpers/tmp.ts';

const version = (JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as { version: string }).version;

describe('dist/gatehouse', () => {
  before(assertBuilt);

  it('runs from an empty directory with an empty environment (no node on PATH)', async (t) => {
    const empty = tempDir(t);
    const result = await run(BINARY, ['--version'], { env: {}, cwd: empty });
    assert.deepEqual(result, { code: 0, stdout: `${version}\n`, stderr: '' });
  });

  it('--help lists the commands and the exit codes', async (t) => {
    const result = await run(BINARY, ['--help'], { env: { HOME: tempDir(t) } });
    assert.equal(result.code, 0);
    for (const text of ['gatehouse config <action>', 'gatehouse doctor', '--state-dir', '--json', '--log-level', '--no-color', 'Exit codes: 0 ok, 1 policy']) {
      assert.ok(result.stdout.includes(text) || result.stdout.includes(text.replace('--no-color', '--color')), `missing ${text}`);
    }
    assert.equal(result.stderr, '');
  });

  it('an unknown command or flag is a usage error (exit 2) that says where to look', async (t) => {
    const env = { HOME: tempDir(t) };
    for (const args of [['frobnicate'], []]) {
      const result = await run(BINARY, args, { env });
      assert.equal(result.code, 2, `${args.join(' ')}: ${result.stderr}`);
      assert.match(result.stderr, /run 'gatehouse --help' for usage/);
    }
    const flag = await run(BINARY, ['doctor', '--no-such-flag'], { env });
    assert.equal(flag.code, 2, flag.stderr);
    assert.match(flag.stderr, /run 'gatehouse doctor --help' for usage/);
  });

  it("a command given too little says its own usage line and an example, and points at its own --help", async (t) => {
    const env = { HOME: tempDir(t) };
    const cases: Array<[string[], RegExp, RegExp]> = [
      [['mirror'], /usage: gatehouse mirror <action> \[name\] \[upstream\]/, /example: gatehouse mirror add app https:\/\/\S+/],
      [['token'], /usage: gatehouse token <action> \[token\]/, /example: gatehouse token mint --repo app --scope write --ttl 8h\n/],
      [['gitconfig'], /usage: gatehouse gitconfig/, /example: gatehouse gitconfig --gate git:\/\/127\.0\.0\.1:9418/],
    ];
    for (const [args, usage, example] of cases) {
      const result = await run(BINARY, args, { env });
      assert.equal(result.code, 2, result.stderr);
      assert.match(result.stderr, /^gatehouse: (Not enough non-option arguments|Missing required argument)/);
      assert.match(result.stderr, usage);
      assert.match(result.stderr, example);
      assert.match(result.stderr, new RegExp(`hint: run 'gatehouse ${args[0]} --help' for usage`));
    }
  });

  it('--config naming a gitleaks rules file asks whether --rules was meant', async (t) => {
    const home = tempDir(t);
    const rules = join(home, '.gitleaks.toml');
    writeFileSync(rules, '[[rules]]\nid = "internal-token"\nregex = "itok_[a-z0-9]{20}"\n');
    const result = await run(BINARY, ['scan', 'dir', home, '--config', rules], { env: { HOME: home } });
    assert.equal(result.code, 2, result.stderr);
    assert.match(result.stderr, new RegExp(`did you mean --rules ${rules.replace(/[.]/g, '\\.')}`));
  });

  it('config check names the file and key of a bad value (exit 2) and passes a good file (exit 0)', async (t) => {
    const home = tempDir(t);
    const bad = join(home, 'bad.toml');
    writeFileSync(bad, '[store]\nurl = "ftp://nope"\n');
    const failed = await run(BINARY, ['config', 'check', '--config', bad], { env: { HOME: home } });
    assert.equal(failed.code, 2);
    assert.match(failed.stderr, new RegExp(`${bad}: store\\.url: expected "sqlite"`));
    const good = join(home, 'good.toml');
    writeFileSync(good, '[log]\nlevel = "warn"\n');
    const passed = await run(BINARY, ['config', 'check', '--config', good], { env: { HOME: home } });
    assert.equal(passed.code, 0, passed.stderr);
    assert.match(passed.stdout, /ok .*good\.toml/);
    assert.equal(passed.stdout.includes('\x1b['), false, 'no colour when stdout is not a terminal');
  });

  it('config show --json gives the effective config with defaults and the state dir', async (t) => {
    const home = tempDir(t);
    const result = await run(BINARY, ['config', 'show', '--json', '--state-dir', join(home, 's')], { env: { HOME: home } });
    assert.equal(result.code, 0, result.stderr);
    const shown = JSON.parse(result.stdout) as { file: null; stateDir: string; config: { store: { url: string } } };
    assert.equal(shown.file, null);
    assert.equal(shown.stateDir, join(home, 's'));
    assert.equal(shown.config.store.url, 'sqlite');
  });

  it('doctor reports each check as JSON and makes a private state dir', async (t) => {
    const home = tempDir(t);
    const result = await run(BINARY, ['doctor', '--json'], { env: { HOME: home, PATH: '/usr/bin:/bin' } });
    const report = JSON.parse(result.stdout) as { ok: boolean; checks: Array<{ check: string; status: string; fix?: string }> };
    assert.equal(report.ok, true, result.stdout);
    assert.equal(result.code, 0);
    const byName = new Map(report.checks.map((c) => [c.check, c]));
    assert.equal(byName.get('git')?.status, 'ok');
    assert.equal(byName.get('store')?.status, 'ok');
    assert.equal(byName.get('role git-credential-gatehouse')?.status, 'warn');
    assert.match(byName.get('role git-credential-gatehouse')?.fix ?? '', /install\.sh/);
    assert.equal(statSync(join(home, '.local/state/gatehouse')).mode & 0o777, 0o700);
  });

  it('doctor fails (exit 1) with a fix when a state file is readable by others', async (t) => {
    const home = tempDir(t);
    const state = join(home, 'state');
    mkdirSync(state, { mode: 0o700 });
    writeFileSync(join(state, 'upstream.key'), 'fake', { mode: 0o644 });
    const result = await run(BINARY, ['doctor', '--state-dir', state], { env: { HOME: home, NO_COLOR: '1' } });
    assert.equal(result.code, 1);
    assert.match(result.stdout, /FAIL {2}private files: readable by others: .*upstream\.key/);
    assert.match(result.stdout, /fix: chmod 600 .*upstream\.key/);
  });

  describe('dispatch on the invocation name', () => {
    it('git-credential-gatehouse is the credential helper: silent with no answer, strict about input', async (t) => {
      const helper = roleLink(tempDir(t), 'git-credential-gatehouse');
      const env = { HOME: tempDir(t) };
      assert.deepEqual(await run(helper, ['get'], { env, input: 'protocol=https\nhost=example.test\n\n' }), { code: 0, stdout: '', stderr: '' });
      assert.deepEqual(await run(helper, ['frobnicate'], { env, input: 'x=y\n\n' }), { code: 0, stdout: '', stderr: '' });
      const nul = await run(helper, ['get'], { env, input: 'protocol=https\nhost=a\0b\n\n' });
      assert.equal(nul.code, 2);
      assert.match(nul.stderr, /NUL/);
      assert.equal(nul.stdout, '');
    });

    it('pre-receive and gatehouse-pre-receive fail closed when they cannot check a push', async (t) => {
      const dir = tempDir(t);
      for (const name of ['pre-receive', 'gatehouse-pre-receive']) {
        const hook = roleLink(dir, name);
        // Not inside a repository, and a ref line git would never send: refused, with a reason.
        const result = await run(hook, [], { env: { HOME: dir, PATH: '/usr/bin:/bin' }, cwd: dir, input: `${'0'.repeat(40)} ${'1'.repeat(40)} refs/heads/bad..name\n` });
        assert.equal(result.code, 1, name);
        assert.match(result.stderr, /push REJECTED: the gate could not check it .*invalid ref name/);
      }
    });

    it('gatehouse-access-hook denies a repository that is not a mirror, saying so on stdout', async (t) => {
      const home = tempDir(t);
      const hook = roleLink(tempDir(t), 'gatehouse-access-hook');
      const result = await run(hook, ['upload-pack', home, 'localhost', '127.0.0.1', '127.0.0.1', '9418'], { env: { HOME: home, PATH: '/usr/bin:/bin' } });
      assert.equal(result.code, 1);
      assert.match(result.stdout, /^gatehouse: no such repository\n$/);
    });

    it('the same binary under its own name runs the CLI, whatever argv[0] was', async (t) => {
      const result = await run(BINARY, ['--version'], { env: { HOME: tempDir(t) }, argv0: 'gatehouse' });
      assert.equal(result.stdout, `${version}\n`);
    });
  });
});
