// What `config check` and `doctor` prove beyond the schema: every secret reference resolves (the
// variable is set, the file exists, is private and not empty) and every cross-reference names
// something that exists, so a configuration that passes does not fail later at run time.
// Each problem names its key; no secret value is ever returned.
import { accessSync, constants, existsSync } from 'node:fs';
import { delimiter, isAbsolute, join } from 'node:path';
import { errorMessage } from '../errors.ts';
import { ruleLabel } from '../credential/rule-label.ts';
import type { LoadedConfig } from './load.ts';
import type { Env } from './paths.ts';
import { assertPrivateFile } from './private-files.ts';
import { resolveSecretRef, SECRET_REF_PATTERN } from './secret-ref.ts';
import type { CredentialRuleConfig } from './schema.ts';

export interface ConfigCheck {
  /** Keys whose secret references resolved. */
  resolved: string[];
  /** "key: what is wrong", one per problem. */
  problems: string[];
}

export function checkConfiguration(loaded: LoadedConfig, env: Env): ConfigCheck {
  const resolved: string[] = [];
  const problems: string[] = [];
  const attempt = (key: string, fn: () => void) => {
    try {
      fn();
      resolved.push(key);
    } catch (error) {
      const message = errorMessage(error);
      problems.push(message.startsWith(key) ? message : `${key}: ${message}`);
    }
  };
  const { config } = loaded;

  if (config.store.password) attempt('store.password', () => resolveSecretRef(config.store.password, env, 'store.password'));
  if (config.credential.key_env && !env[config.credential.key_env]) {
    problems.push(`credential.key_env: environment variable ${config.credential.key_env} is unset or empty`);
  }
  if (config.credential.key_file) {
    const file = config.credential.key_file;
    if (!existsSync(file)) problems.push(`credential.key_file: ${file} does not exist`);
    else attempt('credential.key_file', () => assertPrivateFile(file, 'credential store key'));
  }
  for (const [key, file] of [['scan.rules', config.scan.rules], ['gate.rules', config.gate.rules]] as const) {
    if (file && !existsSync(file)) problems.push(`${key}: rules file ${file} does not exist`);
  }

  config.credential.rule.forEach((rule, i) => checkRule(rule, `credential.rule[${i}] (${ruleLabel(rule)})`, env, attempt, problems));

  const names = new Set(config.credential.rule.map((r) => r.name).filter(Boolean));
  config.shim.route.forEach((route, i) => {
    const key = `shim.route[${i}] (${route.prefix}).credential`;
    if (route.auth === 'none') return;
    if (!route.credential) problems.push(`${key}: auth = "${route.auth}" needs a credential (a [[credential.rule]] name or "env:NAME")`);
    else if (SECRET_REF_PATTERN.test(route.credential)) attempt(key, () => resolveSecretRef(route.credential, env, key));
    else if (!names.has(route.credential)) problems.push(`${key}: no [[credential.rule]] named ${route.credential}`);
  });
  return { resolved, problems };
}

function checkRule(rule: CredentialRuleConfig, key: string, env: Env, attempt: (key: string, fn: () => void) => void, problems: string[]): void {
  switch (rule.source) {
    case 'env':
      attempt(`${key}.env`, () => resolveSecretRef(`env:${rule.env}`, env, `${key}.env`));
      break;
    case 'file':
      attempt(`${key}.file`, () => resolveSecretRef(`file:${rule.file}`, env, `${key}.file`));
      break;
    case 'github-app': {
      const file = rule.github_app!.private_key_file;
      if (!existsSync(file)) problems.push(`${key}.github_app.private_key_file: ${file} does not exist`);
      else attempt(`${key}.github_app.private_key_file`, () => assertPrivateFile(file, 'GitHub App private key'));
      break;
    }
    case 'lookup':
      for (const [name, value] of Object.entries(rule.lookup!.headers)) {
        if (SECRET_REF_PATTERN.test(value)) attempt(`${key}.lookup.headers.${name}`, () => resolveSecretRef(value, env, `${key}.lookup.headers.${name}`));
      }
      break;
    case 'command': {
      const program = rule.command![0]!;
      if (!findProgram(program, env)) problems.push(`${key}.command: ${program} is not an executable${isAbsolute(program) ? '' : ' on PATH'}`);
      break;
    }
    case 'store':
    case 'gatehouse-token':
      break;
  }
}

function findProgram(program: string, env: Env): boolean {
  const candidates = program.includes('/') ? [program] : (env.PATH ?? '').split(delimiter).filter(Boolean).map((dir) => join(dir, program));
  return candidates.some((candidate) => {
    try {
      accessSync(candidate, constants.X_OK);
      return true;
    } catch {
      return false;
    }
  });
}
