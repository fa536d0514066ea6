// The sealed-secret format must not change with the implementation: values sealed by
// node:crypto (every store written before the pure-JS GCM opened them) must open, and values the
// box seals must open with node:crypto.
import assert from 'node:assert/strict';
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import { createSecretBox } from '../../src/credential/encryption.ts';

const KEY = Buffer.from('000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f', 'hex');

/** How gatehouse sealed before (node:crypto), with an optional fixed nonce. */
function nodeSeal(key: Buffer, plaintext: string, context: string, nonce = randomBytes(12)): string {
  const cipher = createCipheriv('aes-256-gcm', key, nonce);
  cipher.setAAD(Buffer.from(context));
  const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  return `v1.${Buffer.concat([nonce, body, cipher.getAuthTag()]).toString('base64')}`;
}

function nodeOpen(key: Buffer, sealed: string, context: string): string {
  const raw = Buffer.from(sealed.slice(3), 'base64');
  const decipher = createDecipheriv('aes-256-gcm', key, raw.subarray(0, 12));
  decipher.setAAD(Buffer.from(context));
  decipher.setAuthTag(raw.subarray(raw.length - 16));
  return Buffer.concat([decipher.update(raw.subarray(12, raw.length - 16)), decipher.final()]).toString('utf8');
}

const PLAINTEXTS = ['', 'p', 'hunter2', JSON.stringify({ password: 'ghp_' + 'x'.repeat(36), oauthRefreshToken: '' }), 'ünïcødé ✓ 🔑', 'a'.repeat(1000)];
const CONTEXT = JSON.stringify(['https', 'git.example.com', '', 'alice']);

describe('credential encryption (AES-256-GCM)', () => {
  const box = createSecretBox(KEY);

  it('opens values sealed by node:crypto (stores written before)', () => {
    for (const text of PLAINTEXTS) assert.equal(box.open(nodeSeal(KEY, text, CONTEXT), CONTEXT), text);
  });

  it('agrees with node:crypto on random keys, nonces, contexts and lengths 0..200', () => {
    for (let length = 0; length <= 200; length++) {
      const key = randomBytes(32);
      const context = randomBytes(length % 70).toString('latin1');
      const text = randomBytes(length).toString('latin1');
      const box = createSecretBox(key);
      assert.equal(box.open(nodeSeal(key, text, context), context), text);
      assert.equal(nodeOpen(key, box.seal(text, context), context), text);
    }
  });

  it('opens a fixed vector: the on-disk format is unchanged', () => {
    const sealed = nodeSeal(KEY, 'bench-stored-pass', 'ctx', Buffer.alloc(12, 7));
    assert.equal(sealed, 'v1.BwcHBwcHBwcHBwcHbQ/IPwcipICp73bkrSGV6NImAyfaI0auoFr1x3KEUcfB');
    assert.equal(box.open(sealed, 'ctx'), 'bench-stored-pass');
  });

  it('seals values node:crypto opens, as v1.<nonce | ciphertext | tag>, a fresh nonce each time', () => {
    for (const text of PLAINTEXTS) {
      const sealed = box.seal(text, CONTEXT);
      assert.match(sealed, /^v1\.[A-Za-z0-9+/]+=*$/);
      assert.equal(Buffer.from(sealed.slice(3), 'base64').length, 12 + Buffer.byteLength(text) + 16);
      assert.equal(nodeOpen(KEY, sealed, CONTEXT), text);
      assert.equal(box.open(sealed, CONTEXT), text);
    }
    assert.notEqual(box.seal('same', CONTEXT), box.seal('same', CONTEXT));
  });

  it('refuses another entry context, another key, and any flipped bit, without showing the secret', () => {
    const sealed = nodeSeal(KEY, 'top-secret-value', CONTEXT);
    const refused = (fn: () => unknown) =>
      assert.throws(fn, (error: Error) => /could not be decrypted/.test(error.message) && !error.message.includes('top-secret-value'));
    refused(() => box.open(sealed, JSON.stringify(['https', 'other.example.com', '', 'alice'])));
    refused(() => createSecretBox(Buffer.alloc(32, 1)).open(sealed, CONTEXT));
    const raw = Buffer.from(sealed.slice(3), 'base64');
    for (const at of [0, 11, 12, raw.length - 17, raw.length - 16, raw.length - 1]) {
      const tampered = Buffer.from(raw);
      tampered[at]! ^= 1;
      refused(() => box.open(`v1.${tampered.toString('base64')}`, CONTEXT));
    }
  });

  it('refuses unknown formats, truncated values and wrong key sizes', () => {
    assert.throws(() => box.open('v2.AAAA', CONTEXT), /unknown format/);
    assert.throws(() => box.open(`v1.${Buffer.alloc(27).toString('base64')}`, CONTEXT), /truncated/);
    assert.throws(() => createSecretBox(Buffer.alloc(16)), /32 bytes/);
  });
});
