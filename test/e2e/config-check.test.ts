// `config check` and `doctor` as an operator relies on them before starting the gate: a
// configuration they pass must not fail at run time. Unset env: variables, a secret file others
// can read, a route naming a rule that does not exist: each is named by its key, exit 2 (doctor:
// a failed check, exit 1), and no secret value is ever printed.
import assert from 'node:assert/strict';
import { chmodSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { assertBuilt, BINARY, run } from '../helpers/binary.ts';
import { FAKE } from '../helpers/secrets.ts';
import { tempDir } from '../helpers/tmp.ts';

describe('config check and doctor resolve every reference', () => {
  it('name each reference that would fail at run time, and pass once each is fixed', async (t) => {
    assertBuilt();
    const home = tempDir(t, 'gatehouse-config-check');
    const secretFile = join(home, 'internal.token');
    writeFileSync(secretFile, `${FAKE.githubPat(1)}\n`, { mode: 0o644 });
    chmodSync(secretFile, 0o644);
    const config = join(home, 'gatehouse.toml');
    const toml = (routeRule: string) => `
[[credential.rule]]
name = "github"
host = "github.com"
source = "env"
env = "GH_TOKEN_FOR_CHECK"

[[credential.rule]]
name = "internal"
host = "git.internal.example"
source = "file"
file = "${secretFile}"

[[shim.route]]
prefix = "/api/"
upstream = "https://api.example.com"
credential = "env:SHIM_API_TOKEN"

[[shim.route]]
prefix = "/gh/"
upstream = "https://api.github.com"
credential = "${routeRule}"
`;
    writeFileSync(config, toml('githubb'));
    const env = { HOME: home, PATH: '/usr/bin:/bin', NO_COLOR: '1' };
    const args = ['--config', config, '--state-dir', join(home, 'state')];

    const failed = await run(BINARY, ['config', 'check', ...args], { env });
    assert.equal(failed.code, 2, failed.stdout + failed.stderr);
    const lines = failed.stderr.split('\n').filter((l) => l.startsWith('  '));
    assert.deepEqual(lines.map((l) => l.trim().replace(/:.*/, '')), [
      'credential.rule[0] (github).env',
      'credential.rule[1] (internal).file',
      'shim.route[0] (/api/).credential',
      'shim.route[1] (/gh/).credential',
    ]);
    assert.match(failed.stderr, /GH_TOKEN_FOR_CHECK is unset or empty/);
    assert.match(failed.stderr, /internal\.token is readable by others \(mode 644\)/);
    assert.match(failed.stderr, /SHIM_API_TOKEN is unset or empty/);
    assert.match(failed.stderr, /no \[\[credential\.rule\]\] named githubb/);
    assert.equal(failed.stderr.includes(FAKE.githubPat(1)), false, 'the secret file is never echoed');

    const doctor = await run(BINARY, ['doctor', '--json', ...args], { env });
    assert.equal(doctor.code, 1, doctor.stdout);
    const report = JSON.parse(doctor.stdout) as { checks: Array<{ check: string; status: string; detail: string }> };
    const references = report.checks.find((c) => c.check === 'config references');
    assert.equal(references?.status, 'fail', doctor.stdout);
    assert.match(references!.detail, /GH_TOKEN_FOR_CHECK.*internal\.token.*SHIM_API_TOKEN.*githubb/);

    chmodSync(secretFile, 0o600);
    writeFileSync(config, toml('github'));
    const fixedEnv = { ...env, GH_TOKEN_FOR_CHECK: FAKE.githubPat(2), SHIM_API_TOKEN: FAKE.githubPat(3) };
    const passed = await run(BINARY, ['config', 'check', ...args], { env: fixedEnv });
    assert.equal(passed.code, 0, passed.stderr);
    assert.match(passed.stdout, /secret references resolve: credential\.rule\[0\] \(github\)\.env, credential\.rule\[1\] \(internal\)\.file, shim\.route\[0\] \(\/api\/\)\.credential/);
    for (const secret of [FAKE.githubPat(1), FAKE.githubPat(2), FAKE.githubPat(3)]) assert.equal((passed.stdout + passed.stderr).includes(secret), false);
    const healthy = await run(BINARY, ['doctor', '--json', ...args], { env: fixedEnv });
    const fixedReport = JSON.parse(healthy.stdout) as { checks: Array<{ check: string; status: string }> };
    assert.equal(fixedReport.checks.find((c) => c.check === 'config references')?.status, 'ok', healthy.stdout);
  });

  it('an error about a secret reference reaches the operator whole: the redactor masks values, not the words around them', async (t) => {
    assertBuilt();
    const home = tempDir(t, 'gatehouse-config-words');
    const config = join(home, 'gatehouse.toml');
    writeFileSync(config, '[store]\nurl = "redis://127.0.0.1:1/0"\npassword = "env:NOPE_REDIS_PW"\n');
    const result = await run(BINARY, ['--config', config, '--state-dir', join(home, 'state'), 'credential', 'list'], { env: { HOME: home, NO_COLOR: '1' } });
    assert.equal(result.code, 2);
    assert.match(result.stderr, /^gatehouse: store\.password: environment variable NOPE_REDIS_PW is unset or empty\n/);
  });
});
