// install.sh as an operator runs it: into a prefix, twice (idempotent), then --uninstall.
import assert from 'node:assert/strict';
import { existsSync, lstatSync, readlinkSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { assertBuilt, REPO_ROOT, run } from '../helpers/binary.ts';
import { tempDir } from '../helpers/tmp.ts';

const LINKS = ['git-credential-gatehouse', 'gatehouse-access-hook', 'gatehouse-pre-receive'];

describe('install.sh', () => {
  before(assertBuilt);

  it('installs the binary and role links, idempotently, and doctor finds them; --uninstall removes them', async (t) => {
    const prefix = tempDir(t);
    const bin = join(prefix, 'bin');
    const env = { PATH: `${bin}:/usr/bin:/bin`, HOME: tempDir(t) };
    for (let round = 0; round < 2; round++) {
      const result = await run('bash', [join(REPO_ROOT, 'install.sh'), '--prefix', prefix, '--skip-build'], { env });
      assert.equal(result.code, 0, result.stderr);
      assert.match(result.stdout, /installed .*bin\/gatehouse/);
    }
    assert.ok(existsSync(join(bin, 'gatehouse')));
    for (const name of LINKS) {
      assert.ok(lstatSync(join(bin, name)).isSymbolicLink(), name);
      assert.equal(readlinkSync(join(bin, name)), 'gatehouse');
    }
    const doctor = await run(join(bin, 'gatehouse'), ['doctor', '--json'], { env });
    const report = JSON.parse(doctor.stdout) as { checks: Array<{ check: string; status: string }> };
    for (const name of LINKS) {
      assert.equal(report.checks.find((c) => c.check === `role ${name}`)?.status, 'ok', name);
    }
    const removed = await run('bash', [join(REPO_ROOT, 'install.sh'), '--prefix', prefix, '--uninstall'], { env });
    assert.equal(removed.code, 0);
    for (const name of ['gatehouse', ...LINKS]) assert.equal(existsSync(join(bin, name)), false, name);
  });

  it('rejects unknown options with exit 2', async () => {
    const result = await run('bash', [join(REPO_ROOT, 'install.sh'), '--frobnicate'], { env: { PATH: '/usr/bin:/bin' } });
    assert.equal(result.code, 2);
    assert.match(result.stderr, /unknown option --frobnicate/);
  });

  it('says clearly when git is missing', async (t) => {
    const result = await run('/bin/bash', [join(REPO_ROOT, 'install.sh'), '--prefix', tempDir(t), '--skip-build'], { env: { PATH: tempDir(t) } });
    assert.equal(result.code, 2);
    assert.match(result.stderr, /git is not installed/);
  });
});
