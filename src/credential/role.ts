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
    const ctx: HelperContext = { loaded, env: io.env, openStore: async (options) => (await import('../store/open-configured.ts')).openConfiguredStore(loaded, io.env, options) };
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
