// A private world for credential-helper tests: HOME, XDG dirs, an empty global git config, the
// git-credential-gatehouse role link on PATH, and git's own test askpass (t/lib-credential.sh),
// which records each prompt on stderr and answers "askpass-username" / "askpass-password".
import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { BINARY, roleLink, run, type RunResult } from './binary.ts';
import { GIT_ENV } from './git.ts';

export interface CredentialSandbox {
  root: string;
  env: NodeJS.ProcessEnv;
  /** $XDG_STATE_HOME/gatehouse */
  stateDir: string;
  configFile: string;
  /** Holds the git-credential-gatehouse link; first on PATH. */
  binDir: string;
  link: string;
}

export const ASKPASS_SCRIPT = `#!/bin/sh
echo >&2 askpass: $*
what=$(echo $1 | cut -d" " -f1 | tr A-Z a-z | tr -cd a-z)
echo "askpass-$what"
`;

export function credentialSandbox(root: string, extraEnv: NodeJS.ProcessEnv = {}): CredentialSandbox {
  const binDir = join(root, 'bin');
  for (const dir of ['home', 'state', 'config/gatehouse', 'bin']) mkdirSync(join(root, dir), { recursive: true });
  writeFileSync(join(root, 'gitconfig'), '');
  writeFileSync(join(root, 'askpass'), ASKPASS_SCRIPT);
  chmodSync(join(root, 'askpass'), 0o755);
  const link = roleLink(binDir, 'git-credential-gatehouse');
  const env: NodeJS.ProcessEnv = {
    ...GIT_ENV,
    PATH: `${binDir}:${process.env.PATH}`,
    HOME: join(root, 'home'),
    XDG_STATE_HOME: join(root, 'state'),
    XDG_CONFIG_HOME: join(root, 'config'),
    GIT_CONFIG_NOSYSTEM: '1',
    GIT_CONFIG_GLOBAL: join(root, 'gitconfig'),
    GIT_ASKPASS: join(root, 'askpass'),
    ...extraEnv,
  };
  return { root, env, stateDir: join(root, 'state/gatehouse'), configFile: join(root, 'config/gatehouse/gatehouse.toml'), binDir, link };
}

export function writeConfig(sb: CredentialSandbox, toml: string): void {
  writeFileSync(sb.configFile, toml);
}

/** `git [-c credential.helper=H]... [-c k=v]... credential ACTION`, asynchronously (servers may live in this process). */
export function gitCredential(
  sb: CredentialSandbox,
  action: 'fill' | 'approve' | 'reject',
  input: string,
  options: { helpers?: string[]; config?: Record<string, string>; env?: NodeJS.ProcessEnv } = {},
): Promise<RunResult> {
  const args: string[] = [];
  for (const helper of options.helpers ?? ['gatehouse']) args.push('-c', `credential.helper=${helper}`);
  for (const [key, value] of Object.entries(options.config ?? {})) args.push('-c', `${key}=${value}`);
  return run('git', [...args, 'credential', action], { env: { ...sb.env, ...options.env }, cwd: sb.root, input });
}

/** The helper itself: `gatehouse credential ACTION` or the git-credential-gatehouse link. */
export function helper(sb: CredentialSandbox, action: string, input: string | Buffer, options: { via?: 'cli' | 'link'; env?: NodeJS.ProcessEnv; timeoutMs?: number } = {}): Promise<RunResult> {
  const env = { ...sb.env, ...options.env };
  const common = { env, cwd: sb.root, input, ...(options.timeoutMs ? { timeoutMs: options.timeoutMs } : {}) };
  return options.via === 'link' ? run(sb.link, [action], common) : run(BINARY, ['credential', action], common);
}

export interface StoredRow {
  protocol: string;
  host: string;
  path: string;
  username: string;
  expires: string | null;
}

/** What `gatehouse credential list --json` shows as stored. */
export async function storedCredentials(sb: CredentialSandbox): Promise<StoredRow[]> {
  const result = await run(BINARY, ['credential', 'list', '--json'], { env: sb.env, cwd: sb.root });
  if (result.code !== 0) throw new Error(`credential list failed (${result.code}): ${result.stderr}`);
  return (JSON.parse(result.stdout) as { stored: StoredRow[] }).stored;
}

/** Every file under dir whose bytes contain needle. */
export function filesContaining(dir: string, needle: string | Buffer): string[] {
  const bytes = typeof needle === 'string' ? Buffer.from(needle) : needle;
  const hits: string[] = [];
  if (!existsSync(dir)) return hits;
  const walk = (d: string) => {
    for (const name of readdirSync(d)) {
      const full = join(d, name);
      const st = statSync(full);
      if (st.isDirectory()) walk(full);
      else if (st.isFile() && readFileSync(full).includes(bytes)) hits.push(full);
    }
  };
  walk(dir);
  return hits;
}

/** An executable script in the sandbox (0700). */
export function writeScript(sb: CredentialSandbox, name: string, body: string): string {
  const file = join(sb.root, name);
  writeFileSync(file, body.startsWith('#!') ? body : `#!/bin/sh\n${body}`);
  chmodSync(file, 0o700);
  return file;
}

/** TOML basic string. */
export function tomlString(text: string): string {
  return JSON.stringify(text);
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
