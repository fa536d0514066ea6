// The environment for git commands that talk to a mirror's upstream: credentials come from
// the gate's own files and helpers, never from argv or the URL, and git never prompts.
import { GatehouseError } from '../errors.ts';
import { assertPrivateFile } from '../config/private-files.ts';
import type { MirrorSettings } from './mirror-settings.ts';
import { selfExecutable } from '../self.ts';
import { withGitConfig } from '../git/safe-env.ts';

/** Variables a client-supplied environment could use to redirect or change git's behaviour. */
const DROPPED = /^(GIT_SSH|GIT_SSH_COMMAND|GIT_SSH_VARIANT|GIT_ASKPASS|SSH_ASKPASS|GIT_PROXY_COMMAND|GIT_CONFIG_PARAMETERS|GIT_CONFIG_COUNT|GIT_CONFIG_KEY_\d+|GIT_CONFIG_VALUE_\d+|GIT_EXEC_PATH|GIT_TEMPLATE_DIR)$/;

export function upstreamEnv(mirror: MirrorSettings, base: NodeJS.ProcessEnv, gatehouse: string = selfExecutable()): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(base)) if (!DROPPED.test(k)) env[k] = v;
  // The pushed objects stay readable through GIT_OBJECT_DIRECTORY and its alternates, which git
  // does not pass to a local upstream's receive-pack; GIT_QUARANTINE_PATH it would pass on, and
  // that upstream would then refuse to update its refs.
  delete env.GIT_QUARANTINE_PATH;
  env.GIT_TERMINAL_PROMPT = '0';
  // The objects sent are the objects the gate scanned, whatever replace refs say.
  env.GIT_NO_REPLACE_OBJECTS = '1';
  env.GCM_INTERACTIVE = 'never';
  // Config in the environment (not argv), which outranks every config file:
  // - HTTPS: gatehouse's own credential helper, and only it; it answers with the rule the mirror
  //   names, and only for a request that rule covers. useHttpPath sends the repository path, so
  //   a rule's path is checked too.
  // - No redirects, ever: git follows an upstream's redirect on the first request by default
  //   (http.followRedirects=initial) and then asks the credential helper for the new host. The
  //   URL-specific key matches the upstream exactly, so no http.<url>.followRedirects in a config
  //   file can be more specific and win.
  const config: Array<[string, string]> = [
    ['credential.helper', ''],
    ['credential.helper', mirror.credential ? `!${shellQuote(gatehouse)} credential` : ''],
    ['credential.useHttpPath', 'true'],
    ['http.followRedirects', 'false'],
  ];
  if (/^https?:\/\//i.test(mirror.upstream)) config.push([`http.${mirror.upstream}.followRedirects`, 'false']);
  withGitConfig(env, config);
  if (mirror.credential) env.GATEHOUSE_CREDENTIAL_RULE = mirror.credential;
  else delete env.GATEHOUSE_CREDENTIAL_RULE;
  if (mirror.sshKey) {
    assertPrivateFile(mirror.sshKey, `mirror ${mirror.name}: SSH key`);
    if (!mirror.knownHosts) {
      throw new GatehouseError(`mirror ${mirror.name}: an SSH key needs a pinned known_hosts file`, { hint: `gatehouse mirror set ${mirror.name} --known-hosts FILE` });
    }
    env.GIT_SSH_COMMAND = [
      'ssh',
      '-F', '/dev/null',
      '-i', shellQuote(mirror.sshKey),
      '-o', 'IdentitiesOnly=yes',
      '-o', 'StrictHostKeyChecking=yes',
      '-o', `UserKnownHostsFile=${shellQuote(mirror.knownHosts)}`,
      '-o', 'BatchMode=yes',
      '-o', 'ConnectTimeout=15',
    ].join(' ');
  } else {
    // No ssh of the user's choosing: batch mode so a missing key fails instead of prompting.
    env.GIT_SSH_COMMAND = 'ssh -o BatchMode=yes -o StrictHostKeyChecking=yes -o ConnectTimeout=15';
  }
  return env;
}

/**
 * What to add to git's words when the upstream answered with a redirect, which the gate's git
 * refuses to follow (git only says "The requested URL returned error: 302"); null otherwise.
 */
export function redirectRefusal(gitOutput: string): string | null {
  const status = /The requested URL returned error: (30[1278])\b/.exec(gitOutput)?.[1];
  if (!status) return null;
  return `the upstream answered with a redirect (HTTP ${status}), which the gate does not follow: a redirect could send the upstream credential to another host. Point the mirror at the URL the upstream redirects to.`;
}

function shellQuote(text: string): string {
  return `'${text.replace(/'/g, `'\\''`)}'`;
}
