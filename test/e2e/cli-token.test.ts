// `gatehouse token mint` refuses what would make a useless or over-long token.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { assertBuilt, BINARY, run } from '../helpers/binary.ts';
import { gatehouseEnv } from '../helpers/gate.ts';
import { TestRepo } from '../helpers/git.ts';
import { tempDir } from '../helpers/tmp.ts';

describe('gatehouse token mint', () => {
  before(assertBuilt);

  async function withMirror(t: { after(fn: () => void): void }): Promise<{ root: string; env: NodeJS.ProcessEnv }> {
    const root = tempDir(t);
    const env = gatehouseEnv(root);
    const upstream = new TestRepo(join(root, 'upstream.git'), { bare: true });
    const added = await run(BINARY, ['mirror', 'add', 'org/app', upstream.dir], { env });
    assert.equal(added.code, 0, added.stderr);
    return { root, env };
  }

  it('refuses a git token for a mirror that does not exist, or a glob that matches none (exit 2), and mints for one that does', async (t) => {
    const { env } = await withMirror(t);
    for (const repo of ['org/apps', 'other/*']) {
      const refused = await run(BINARY, ['token', 'mint', '--repo', repo], { env });
      assert.equal(refused.code, 2, refused.stderr);
      assert.match(refused.stderr, new RegExp(`no mirror (named|matches) ${repo.replace('*', '\\*')}`));
      assert.match(refused.stderr, /mirrors: org\/app/);
      assert.equal(refused.stdout, '', 'no token printed');
    }
    for (const repo of ['org/app', 'org/*']) {
      const minted = await run(BINARY, ['token', 'mint', '--repo', repo], { env });
      assert.equal(minted.code, 0, minted.stderr);
      assert.match(minted.stdout, /^ey[\w-]+\.[\w-]+\.[\w-]+\n$/);
    }
  });

  it('refuses a lifetime over gate.max_token_ttl: 30 days by default, or as configured (exit 1)', async (t) => {
    const { root, env } = await withMirror(t);
    assert.equal((await run(BINARY, ['token', 'mint', '--repo', 'org/app', '--ttl', '30d'], { env })).code, 0);
    const tooLong = await run(BINARY, ['token', 'mint', '--repo', 'org/app', '--ttl', '31d'], { env });
    assert.equal(tooLong.code, 1);
    assert.match(tooLong.stderr, /--ttl 31d is longer than gate\.max_token_ttl \(30d\)/);
    assert.equal(tooLong.stdout, '');

    writeFileSync(join(root, 'config/gatehouse/gatehouse.toml'), '[gate]\nmax_token_ttl = "8h"\n');
    assert.equal((await run(BINARY, ['token', 'mint', '--repo', 'org/app', '--ttl', '8h'], { env })).code, 0);
    const overConfigured = await run(BINARY, ['token', 'mint', '--repo', 'org/app', '--ttl', '9h'], { env });
    assert.equal(overConfigured.code, 1);
    assert.match(overConfigured.stderr, /gate\.max_token_ttl \(8h\)/);
  });
});
