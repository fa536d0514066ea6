// The mirrors a gate serves: bare repositories under <state>/mirrors/<name>.git, each with its
// gatehouse.* settings in its own git config, the pre-receive role installed, and a
// git-daemon-export-ok file so git daemon serves it (and nothing else).
import { existsSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { GatehouseError } from '../errors.ts';
import { runGit } from '../git/run.ts';
import { installPreReceive, isBareRepository } from './hooks.ts';
import { readMirrorSettings, type MirrorSettings } from './mirror-settings.ts';
import { fetchFromUpstream } from './refresh.ts';
import type { CredentialRuleConfig } from '../config/schema.ts';
import { ruleMismatch } from '../credential/rule-match.ts';
import { splitUrl } from '../credential/request.ts';

export interface AddMirrorOptions {
  name: string;
  upstream: string;
  sshKey?: string | undefined;
  knownHosts?: string | undefined;
  credential?: string | undefined;
  /** The configured [[credential.rule]]s: --credential must name one that covers the upstream. */
  credentialRules?: readonly CredentialRuleConfig[];
  allowRefs?: string[];
  protectRefs?: string[];
  maxPackBytes: number;
  fetchTimeoutMs: number;
}

export function mirrorsDir(stateDir: string): string {
  return join(stateDir, 'mirrors');
}

/** Names are paths clients use (git://gate/org/app.git): segments of safe characters only. */
export function validateMirrorName(name: string): string {
  const trimmed = name.replace(/\.git$/, '');
  const ok = trimmed.length > 0 && trimmed.length <= 200 && trimmed.split('/').every((s) => /^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(s) && !s.endsWith('.lock') && !s.endsWith('.git'));
  if (!ok) throw new GatehouseError(`invalid mirror name ${JSON.stringify(name)}`, { hint: 'use letters, digits, dots, dashes and underscores, optionally in segments like org/app' });
  return trimmed;
}

export function mirrorPath(stateDir: string, name: string): string {
  return join(mirrorsDir(stateDir), `${validateMirrorName(name)}.git`);
}

/** An upstream URL must not carry a password: credentials come from the gate's own sources. */
export function validateUpstreamUrl(url: string): void {
  if (/^[a-z][a-z0-9+.-]*:\/\/[^/@]*:[^/@]*@/i.test(url)) {
    throw new GatehouseError('the upstream URL holds a password; it would be stored in the mirror config and shown in logs', {
      hint: 'drop it from the URL and pass --credential (HTTPS) or --ssh-key/--known-hosts (SSH)',
    });
  }
  if (url.startsWith('-')) throw new GatehouseError(`invalid upstream URL ${url}`);
}

/**
 * The rule a mirror names must exist and cover its upstream URL (protocol, host and path, as
 * the helper checks each request), or every fetch would fail later with a vaguer message.
 */
export function checkCredentialRule(rules: readonly CredentialRuleConfig[], name: string, upstream: string): void {
  const rule = rules.find((r) => r.name === name);
  if (!rule) throw new GatehouseError(`no credential rule named ${name}`, { hint: 'add [[credential.rule]] with that name to gatehouse.toml (gatehouse credential test URL shows what answers)' });
  const target = splitUrl(upstream);
  if (!/^https?$/i.test(target.protocol ?? '')) return; // ssh, file: no HTTP credential is asked
  const mismatch = ruleMismatch(rule, { protocol: target.protocol!, host: target.host ?? '', path: target.path ?? '' });
  if (!mismatch) return;
  const http = /^http$/i.test(target.protocol!) && !/^http$|\*/.test(rule.protocol);
  throw new GatehouseError(`credential rule ${name} does not cover ${upstream}: ${mismatch}`, {
    hint: http ? 'a credential rule answers https only unless it says protocol = "http" (the credential then crosses the network in clear text)' : `widen the rule's host or path, or name another rule`,
  });
}

export async function addMirror(stateDir: string, options: AddMirrorOptions, binary: string, env: NodeJS.ProcessEnv): Promise<MirrorSettings> {
  const name = validateMirrorName(options.name);
  validateUpstreamUrl(options.upstream);
  if (options.credential && options.credentialRules) checkCredentialRule(options.credentialRules, options.credential, options.upstream);
  if (options.sshKey && !options.knownHosts) throw new GatehouseError('--ssh-key needs --known-hosts: the upstream host key is pinned, never learned on first use');
  const gitDir = mirrorPath(stateDir, name);
  if (existsSync(gitDir)) throw new GatehouseError(`mirror ${name} already exists at ${gitDir}`, { hint: `gatehouse mirror remove ${name} first, or gatehouse mirror sync ${name}` });
  await runGit(['init', '--quiet', '--bare', gitDir], { env });
  try {
    const set = (key: string, value: string) => runGit(['config', key, value], { cwd: gitDir, env: { ...env, GIT_DIR: gitDir } });
    const add = (key: string, value: string) => runGit(['config', '--add', key, value], { cwd: gitDir, env: { ...env, GIT_DIR: gitDir } });
    await set('gatehouse.name', name);
    await set('gatehouse.upstream', options.upstream);
    if (options.sshKey) await set('gatehouse.sshKey', resolve(options.sshKey));
    if (options.knownHosts) await set('gatehouse.knownHosts', resolve(options.knownHosts));
    if (options.credential) await set('gatehouse.credential', options.credential);
    for (const ref of options.allowRefs ?? []) await add('gatehouse.allowRef', ref);
    for (const ref of options.protectRefs ?? []) await add('gatehouse.protectRef', ref);
    if (options.maxPackBytes > 0) {
      await set('gatehouse.maxPackBytes', String(options.maxPackBytes));
      // git itself refuses a bigger pack before the hook runs.
      await set('receive.maxInputSize', String(options.maxPackBytes));
    }
    await set('receive.advertisePushOptions', 'true');
    await set('receive.fsckObjects', 'true');
    await set('uploadpack.allowFilter', 'true');
    await set('core.logAllRefUpdates', 'false');
    writeFileSync(join(gitDir, 'git-daemon-export-ok'), '');
    const settings = await readMirrorSettings(gitDir, env);
    await fetchFromUpstream(settings, env, options.fetchTimeoutMs);
    installPreReceive(gitDir, binary, false);
    return settings;
  } catch (error) {
    rmSync(gitDir, { recursive: true, force: true });
    throw error;
  }
}

export async function listMirrors(stateDir: string, env: NodeJS.ProcessEnv): Promise<MirrorSettings[]> {
  const root = mirrorsDir(stateDir);
  const found: string[] = [];
  const visit = (dir: string, depth: number) => {
    if (depth > 4) return;
    let entries;
    try {
      entries = readdirSync(dir, { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries) {
      if (!e.isDirectory()) continue;
      const path = join(dir, e.name);
      if (e.name.endsWith('.git') && isBareRepository(path)) found.push(path);
      else visit(path, depth + 1);
    }
  };
  visit(root, 0);
  const mirrors = await Promise.all(found.sort().map((gitDir) => readMirrorSettings(gitDir, env)));
  return mirrors.map((m) => ({ ...m, name: m.name || relative(root, m.gitDir).replace(/\.git$/, '') }));
}

export async function findMirror(stateDir: string, name: string, env: NodeJS.ProcessEnv): Promise<MirrorSettings> {
  const gitDir = mirrorPath(stateDir, name);
  if (!isBareRepository(gitDir)) throw new GatehouseError(`no mirror named ${name}`, { exitCode: 2, hint: 'gatehouse mirror list shows the mirrors' });
  const settings = await readMirrorSettings(gitDir, env);
  return { ...settings, name: settings.name || validateMirrorName(name) };
}

export function removeMirror(stateDir: string, name: string): string {
  const gitDir = mirrorPath(stateDir, name);
  if (!isBareRepository(gitDir)) throw new GatehouseError(`no mirror named ${name}`);
  rmSync(gitDir, { recursive: true, force: true });
  return gitDir;
}
