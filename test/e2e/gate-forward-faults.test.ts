// The gate's forward when things go wrong after the pack may have left: the client's answer must
// be what the upstream did.
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { assertBuilt } from '../helpers/binary.ts';
import { createGate } from '../helpers/gate.ts';

describe('gate forward faults', () => {
  before(assertBuilt);

  it('a log that cannot be written (log.file on /dev/full) does not refuse a push, nor turn a forwarded one into a refusal', (t) => {
    const gate = createGate(t, { configToml: '[log]\nfile = "/dev/full"\n\n[scan]\nmax_file_size = 2000\n\n[gate]\nallow_unscannable = ["big/**"]\n' });
    const commit = gate.client.commit('feature', { 'src/feature.js': 'export const z = 3;\n' });
    const push = gate.push('origin', 'main');
    assert.equal(push.code, 0, push.output);
    assert.match(push.output, /no secrets; forwarded to upstream\./);
    assert.equal(gate.upstream.ref('refs/heads/main'), commit);
    assert.equal(gate.mirror.ref('refs/heads/main'), commit);
    // What lets content through unscanned must be on record first: without a log it is refused.
    gate.client.commit('big', { 'big/blob.bin': 'x'.repeat(5000) });
    const unscannable = gate.push('origin', 'main');
    assert.equal(unscannable.code, 1, unscannable.output);
    assert.match(unscannable.output, /push REJECTED: the gate could not check it \(ENOSPC/);
    assert.equal(gate.upstream.ref('refs/heads/main'), commit, 'nothing was forwarded');
  });
});
