// pretest builds dist/gatehouse only when something that goes into it changed, so
// `./install.sh && npm test` builds once. Checked on a scratch tree with set file times.
import assert from 'node:assert/strict';
import { chmodSync, mkdirSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { REPO_ROOT, run } from '../helpers/binary.ts';
import { tempDir } from '../helpers/tmp.ts';

const SCRIPT = join(REPO_ROOT, 'scripts/build-if-stale.sh');
const HOUR = 3600;

/** A tree shaped like the project's, every input an hour old; the binary is built at `builtAgo` seconds. */
function scratchTree(root: string, builtAgo: number): void {
  const now = Date.now() / 1000;
  const files = ['src/main.ts', 'src/cli/registry.ts', 'scripts/build.ts', 'package.json', 'package-lock.json', 'hooks/pre-receive'];
  for (const file of files) {
    mkdirSync(join(root, file, '..'), { recursive: true });
    writeFileSync(join(root, file), 'x');
  }
  for (const path of [...files, 'src/cli', 'src', 'scripts', 'hooks']) utimesSync(join(root, path), now - HOUR, now - HOUR);
  mkdirSync(join(root, 'dist'));
  writeFileSync(join(root, 'dist/gatehouse'), '');
  chmodSync(join(root, 'dist/gatehouse'), 0o755);
  utimesSync(join(root, 'dist/gatehouse'), now - builtAgo, now - builtAgo);
}

const check = async (root: string) => (await run('bash', [SCRIPT, '--check', root], { env: { PATH: '/usr/bin:/bin' } })).code;

describe('scripts/build-if-stale.sh', () => {
  it('skips the build when the binary is newer than every input', async (t) => {
    const root = tempDir(t);
    scratchTree(root, 60);
    assert.equal(await check(root), 0);
  });

  it('builds when a source, the build script or a dependency is newer, or a file was removed', async (t) => {
    for (const change of [
      (root: string) => writeFileSync(join(root, 'src/cli/registry.ts'), 'changed'),
      (root: string) => writeFileSync(join(root, 'scripts/build.ts'), 'changed'),
      (root: string) => writeFileSync(join(root, 'hooks/pre-receive'), 'changed'),
      (root: string) => writeFileSync(join(root, 'package-lock.json'), 'changed'),
      (root: string) => rmSync(join(root, 'src/cli/registry.ts')),
      (root: string) => writeFileSync(join(root, 'src/new.ts'), 'new'),
    ]) {
      const root = tempDir(t);
      scratchTree(root, 60);
      change(root);
      assert.equal(await check(root), 1, change.toString());
    }
  });

  it('builds when there is no binary, or it is older than an input', async (t) => {
    const missing = tempDir(t);
    scratchTree(missing, 60);
    rmSync(join(missing, 'dist/gatehouse'));
    assert.equal(await check(missing), 1);
    const old = tempDir(t);
    scratchTree(old, 2 * HOUR);
    assert.equal(await check(old), 1);
  });
});
