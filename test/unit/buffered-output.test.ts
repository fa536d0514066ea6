import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { describe, it } from 'node:test';
import { bufferedGit } from '../../src/git/buffered-output.ts';

describe('git with a large stdout buffer', () => {
  const env = { PATH: '/usr/bin:/bin' };

  it('runs git through stdbuf where coreutils has it, with the same output', (t) => {
    const command = bufferedGit(['version'], env);
    if (!existsSync('/usr/libexec/coreutils/libstdbuf.so')) {
      t.skip('no libstdbuf on this machine');
      return;
    }
    assert.deepEqual(command.args.slice(0, 3), ['-o', '1M', 'git']);
    const through = spawnSync(command.file, command.args, { env, encoding: 'utf8' });
    const plain = spawnSync('git', ['version'], { env, encoding: 'utf8' });
    assert.equal(through.status, 0);
    assert.equal(through.stdout, plain.stdout);
  });

  it('runs plain git where stdbuf is not on PATH', () => {
    assert.deepEqual(bufferedGit(['log', '-p'], { PATH: '/nonexistent' }), { file: 'git', args: ['log', '-p'] });
  });
});
