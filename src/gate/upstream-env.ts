// The environment for git commands that talk to a mirror's upstream: credentials come from
// the gate's own files and helpers, never from argv or the URL, and git never prompts.
import { GatehouseError } from '../errors.ts';
import { assertPrivateFile } from '../config/private-files.ts';
import type { MirrorSettings } from './mirror-settings.ts';
import { selfExecutable } from '../self.ts';

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
  // HTTPS: gatehouse's own credential helper, and only it, through config in the environment
  // (not argv); it answers with the rule the mirror names.
  env.GIT_CONFIG_COUNT = '2';
  env.GIT_CONFIG_KEY_0 = 'credential.helper';
  env.GIT_CONFIG_VALUE_0 = '';
  env.GIT_CONFIG_KEY_1 = 'credential.helper';
  env.GIT_CONFIG_VALUE_1 = mirror.credential ? `!${shellQuote(gatehouse)} credential` : '';
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

function shellQuote(text: string): string {
  return `'${text.replace(/'/g, `'\\''`)}'`;
}
