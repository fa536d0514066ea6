// Where a rule's secret comes from. Every value read is registered with the redactor before it
// is returned, so no later log line or error can carry it.
import { spawn } from 'node:child_process';
import { GatehouseError, errorMessage } from '../errors.ts';
import { resolveSecretRef, SECRET_REF_PATTERN } from '../config/secret-ref.ts';
import type { Env } from '../config/paths.ts';
import type { CredentialRuleConfig } from '../config/schema.ts';
import { registerSecret } from '../log/redact.ts';
import type { Credential } from './request.ts';
import { ruleLabel } from './rule-label.ts';


export interface SourceAnswer {
  password: string;
  /** Unix seconds, for short-lived credentials. */
  expiresAt?: number;
}

// env and file rules are secret references under another spelling: one reader, one set of checks.
export function fromEnv(rule: CredentialRuleConfig, env: Env): SourceAnswer {
  return { password: resolveSecretRef(`env:${rule.env}`, env, `rule ${ruleLabel(rule)}`) };
}

export function fromFile(rule: CredentialRuleConfig): SourceAnswer {
  return { password: resolveSecretRef(`file:${rule.file}`, {}, `rule ${ruleLabel(rule)}`) };
}

/** Runs the rule's program (no shell); its first stdout line is the secret. The request goes to its stdin. */
export function fromCommand(rule: CredentialRuleConfig, request: Credential, env: Env): Promise<SourceAnswer> {
  const [program, ...args] = rule.command!;
  return new Promise((resolve, reject) => {
    // Its own process group, so a timeout ends whatever it started too (a shell's children hold the pipes).
    const child = spawn(program!, args, { env: { ...env, GIT_TERMINAL_PROMPT: '0' } as NodeJS.ProcessEnv, stdio: ['pipe', 'pipe', 'pipe'], detached: true });
    let out = '';
    let err = '';
    const timer = setTimeout(() => {
      try {
        process.kill(-child.pid!, 'SIGKILL');
      } catch {
        child.kill('SIGKILL');
      }
      reject(new GatehouseError(`rule ${ruleLabel(rule)}: command did not answer within ${rule.timeout_seconds} s`));
    }, rule.timeout_seconds * 1000);
    child.stdout.on('data', (c: Buffer) => {
      if (out.length < 1024 * 1024) out += c;
    });
    child.stderr.on('data', (c: Buffer) => {
      if (err.length < 4096) err += c;
    });
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(new GatehouseError(`rule ${ruleLabel(rule)}: cannot run ${program}: ${errorMessage(error)}`));
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      const secret = out.split(/\r?\n/)[0] ?? '';
      if (secret) registerSecret(secret);
      if (code !== 0) return reject(new GatehouseError(`rule ${ruleLabel(rule)}: ${program} exited with ${code}${err ? `: ${err.trim().split('\n')[0]}` : ''}`));
      if (!secret) return reject(new GatehouseError(`rule ${ruleLabel(rule)}: ${program} printed no secret`));
      resolve({ password: secret });
    });
    child.stdin.on('error', () => {});
    child.stdin.end(`protocol=${request.protocol}\nhost=${request.host}\n${request.path ? `path=${request.path}\n` : ''}\n`);
  });
}

/** A header value for a lookup: a secret reference, or literal text. */
export function headerValue(value: string, env: Env, what: string): string {
  return SECRET_REF_PATTERN.test(value) ? resolveSecretRef(value, env, what) : value;
}

