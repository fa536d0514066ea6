// git-credential-gatehouse: the credential helper role git runs as `git credential-gatehouse <action>`
// (or `gatehouse credential <action>`). Like git's own helpers it is strict about the protocol,
// silent on success, and says nothing when it has no answer. Secrets never reach stderr.
import { loadConfigPreferCache } from '../config/load-fast.ts';
import { errorMessage } from '../errors.ts';
import { redactText } from '../log/redact.ts';
import { writeFdAll, type ProcessIO } from '../process-io.ts';
import { credentialErase, credentialGet, credentialStore, type HelperContext } from './helper.ts';
import { CredentialProtocolError, formatCredentialResponse, readCredentialRequestFrom } from './protocol.ts';
import { fromAttributes } from './request.ts';
import type { LoadedConfig } from '../config/load.ts';

const ACTIONS = new Set(['get', 'store', 'erase']);

export async function runCredentialRole(args: string[], io: ProcessIO): Promise<number> {
  const action = args[0];
  if (!action) {
    io.stderr.write('usage: git-credential-gatehouse <get|store|erase>\n');
    return 2;
  }
  // git may add actions in future versions; helpers must ignore ones they do not know.
  if (!ACTIONS.has(action)) return 0;
  try {
    const request = fromAttributes(await readCredentialRequestFrom(io.fds?.stdin, io.stdin));
    const loaded = await loadConfigPreferCache({ env: io.env, cwd: io.cwd });
    // The store (SQLite or Redis) loads only when a request reaches it.
    const ctx: HelperContext = {
      loaded,
      env: io.env,
      openStore: async (options) => (await import('../store/open-configured.ts')).openConfiguredStore(loaded, io.env, options),
      refused: (reason) => refused(reason, loaded, io),
    };
    if (action === 'get') {
      const answer = await credentialGet(request, ctx);
      if (!answer) return 0;
      const lines: Array<[string, string]> = [
        ['username', answer.username],
        ['password', answer.password],
      ];
      if (answer.passwordExpiryUtc) lines.push(['password_expiry_utc', answer.passwordExpiryUtc]);
      if (answer.oauthRefreshToken) lines.push(['oauth_refresh_token', answer.oauthRefreshToken]);
      const response = formatCredentialResponse(lines);
      if (!(io.fds && writeFdAll(io.fds.stdout, response))) io.stdout.write(response);
    } else if (action === 'store') {
      await credentialStore(request, ctx);
    } else {
      await credentialErase(request, ctx);
    }
    return 0;
  } catch (error) {
    const prefix = error instanceof CredentialProtocolError ? '' : 'error: ';
    io.stderr.write(`git-credential-gatehouse: ${prefix}${redactText(errorMessage(error))}\n`);
    return error instanceof CredentialProtocolError ? 2 : 1;
  }
}

/**
 * A named rule that does not cover the request: said on stderr (git shows it; the gate keeps
 * git's stderr in its refresh and push errors) and written to the gate's log (log.file, else
 * gate.log in the state dir, when that exists) as the logger would write it, but without
 * bundling the logger into the helper's chunk: this is the only line the helper ever logs.
 */
async function refused(reason: string, loaded: LoadedConfig, io: ProcessIO): Promise<void> {
  const said = redactText(reason);
  io.stderr.write(`git-credential-gatehouse: ${said}\n`);
  const { level, file: logFile } = loaded.config.log;
  if (level === 'error' || level === 'silent') return;
  try {
    const [{ join }, { appendFileSync, existsSync }] = await Promise.all([import('node:path'), import('node:fs')]);
    if (!logFile && !existsSync(loaded.stateDir)) return;
    const line = { time: new Date().toISOString(), level: 'warn', msg: 'credential refused: the named rule does not cover the request', role: 'credential', reason: said };
    appendFileSync(logFile || join(loaded.stateDir, 'gate.log'), `${JSON.stringify(line)}\n`, { mode: 0o600 });
  } catch {
    // The refusal stands; stderr already says why.
  }
}
