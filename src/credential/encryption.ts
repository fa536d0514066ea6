// AES-256-GCM for every secret gatehouse keeps in its store: a fresh 96-bit nonce per value, and
// the entry's key as additional data so a ciphertext cannot be moved to another entry.
//
// Opening does not use node:crypto: loading it costs about 8-10 ms, and the credential helper
// opens a sealed value on nearly every git operation (a stored password, a cached GitHub App
// token). It uses StableLib's pure-JS AES and GCM instead, which set up 256-entry tables at load
// (@noble/ciphers, audited, was measured first: its AES builds 64K-entry tables at import, and cost
// the helper more than node:crypto itself). GCM checks the tag in constant time before returning
// anything. Sealing (writes, rare) keeps node:crypto, loaded on first use. Both produce and accept
// the same bytes, v1.<base64 of nonce(12) | ciphertext | tag(16)>, and the tests check each against
// the other.
import { AES } from '@stablelib/aes';
import { GCM } from '@stablelib/gcm';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { GatehouseError } from '../errors.ts';
import { assertPrivateFile, createPrivateFileOnce } from '../config/private-files.ts';
import type { Env } from '../config/paths.ts';

export const KEY_FILE_NAME = 'credential.key';

export interface SecretBox {
  seal(plaintext: string, context: string): string;
  open(sealed: string, context: string): string;
}

/** node:crypto, loaded on first use (synchronously): only writes need it. */
function nodeCrypto(): typeof import('node:crypto') {
  return process.getBuiltinModule('node:crypto');
}

export function createSecretBox(key: Buffer): SecretBox {
  if (key.length !== 32) throw new GatehouseError('the credential store key must be 32 bytes');
  return {
    seal(plaintext, context) {
      const { createCipheriv, randomBytes } = nodeCrypto();
      const nonce = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', key, nonce);
      cipher.setAAD(Buffer.from(context));
      const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
      return `v1.${Buffer.concat([nonce, body, cipher.getAuthTag()]).toString('base64')}`;
    },
    open(sealed, context) {
      if (!sealed.startsWith('v1.')) throw new GatehouseError('stored secret is in an unknown format');
      const raw = Buffer.from(sealed.slice(3), 'base64');
      if (raw.length < 28) throw new GatehouseError('stored secret is truncated');
      const gcm = new GCM(new AES(key, true)); // GCM only encrypts blocks: no decryption key schedule
      // Ciphertext and tag together, as stored; null when the tag does not match.
      const plain = gcm.open(raw.subarray(0, 12), raw.subarray(12), Buffer.from(context));
      gcm.clean();
      if (!plain) {
        throw new GatehouseError('a stored secret could not be decrypted: the key changed or the store was tampered with', {
          hint: 'restore the original key file, or erase the entry and store it again',
        });
      }
      return Buffer.from(plain.buffer, plain.byteOffset, plain.byteLength).toString('utf8');
    },
  };
}

/** The store key: from credential.key_env, else credential.key_file, else credential.key in the state dir (made on first use). */
export function loadStoreKey(options: { keyFile: string; keyEnv: string; stateDir: string; env: Env; create: boolean }): Buffer | null {
  if (options.keyEnv) {
    const value = options.env[options.keyEnv];
    if (!value) throw new GatehouseError(`credential.key_env names ${options.keyEnv}, which is unset or empty`);
    return decodeKey(value, `environment variable ${options.keyEnv}`);
  }
  const file = options.keyFile || join(options.stateDir, KEY_FILE_NAME);
  if (!existsSync(file)) {
    if (!options.create) return null;
    if (options.keyFile) throw new GatehouseError(`credential.key_file ${file} does not exist`, { hint: `create one: head -c 32 /dev/urandom > ${file} && chmod 600 ${file}` });
    createPrivateFileOnce(file, nodeCrypto().randomBytes(32).toString('base64') + '\n');
  }
  assertPrivateFile(file, 'credential store key');
  return decodeKey(readFileSync(file, 'utf8').trim(), file);
}

function decodeKey(text: string, where: string): Buffer {
  const key = /^[A-Za-z0-9+/]{43}=$/.test(text) ? Buffer.from(text, 'base64') : /^[0-9a-f]{64}$/i.test(text) ? Buffer.from(text, 'hex') : null;
  if (!key || key.length !== 32) throw new GatehouseError(`${where} does not hold a 32-byte key (base64 or hex)`);
  return key;
}
