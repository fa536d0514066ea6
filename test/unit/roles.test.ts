import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { INSTALLED_ROLE_LINKS, roleForInvocation } from '../../src/roles.ts';

describe('roleForInvocation', () => {
  it('maps each role name, by basename, to its role', () => {
    assert.equal(roleForInvocation('pre-receive'), 'pre-receive');
    assert.equal(roleForInvocation('/srv/mirrors/app.git/hooks/pre-receive'), 'pre-receive');
    assert.equal(roleForInvocation('/usr/local/bin/gatehouse-pre-receive'), 'pre-receive');
    assert.equal(roleForInvocation('gatehouse-access-hook'), 'access-hook');
    assert.equal(roleForInvocation('/usr/local/bin/git-credential-gatehouse'), 'credential');
  });

  it('runs the CLI for its own name and anything unknown', () => {
    for (const name of ['gatehouse', '/usr/local/bin/gatehouse', 'node', 'gatehouse.js', 'post-receive', 'constructor', '__proto__', '']) {
      assert.equal(roleForInvocation(name), 'cli', name);
    }
  });

  it('every installed link name is a role', () => {
    for (const name of INSTALLED_ROLE_LINKS) assert.notEqual(roleForInvocation(name), 'cli', name);
  });
});
