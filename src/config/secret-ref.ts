// A secret reference names where a secret comes from, so the secret itself never sits in config.
import { readFileSync } from 'node:fs';
import { GatehouseError } from '../errors.ts';
import { registerSecret } from '../log/redact.ts';
import { assertPrivateFile } from './private-files.ts';
import type { Env } from './paths.ts';

export const SECRET_REF_PATTERN = /^(env:[A-Za-z_][A-Za-z0-9_]*|file:.+)$/;

export type SecretRef = { kind: 'env'; name: string } | { kind: 'file'; path: string };

export function parseSecretRef(text: string): SecretRef {
  if (text.startsWith('env:')) return { kind: 'env', name: text.slice(4) };
  if (text.startsWith('file:')) return { kind: 'file', path: text.slice(5) };
  throw new GatehouseError(`not a secret reference: expected "env:NAME" or "file:PATH"`);
}

/** Reads the secret a reference names and registers it for redaction. Never echoes the value. */
export function resolveSecretRef(text: string, env: Env, what: string): string {
  const ref = parseSecretRef(text);
  let secret: string | undefined;
  if (ref.kind === 'env') {
    secret = env[ref.name];
    if (!secret) {
      throw new GatehouseError(`${what}: environment variable ${ref.name} is unset or empty`, {
        hint: `export ${ref.name}=... in the environment gatehouse runs in`,
      });
    }
  } else {
    assertPrivateFile(ref.path, `${what}: secret file`);
    secret = readFileSync(ref.path, 'utf8').replace(/\r?\n$/, '');
    if (!secret) throw new GatehouseError(`${what}: secret file ${ref.path} is empty`);
  }
  registerSecret(secret);
  return secret;
}
