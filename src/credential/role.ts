// git-credential-gatehouse: the credential helper role git runs as `git credential-gatehouse <action>`.
// Like git's own helpers it is silent on success and says nothing when it has no answer.
import type { ProcessIO } from '../process-io.ts';
import { CredentialProtocolError, readCredentialRequest } from './protocol.ts';

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
    await readCredentialRequest(io.stdin);
  } catch (error) {
    if (error instanceof CredentialProtocolError) {
      io.stderr.write(`git-credential-gatehouse: ${error.message}\n`);
      return 2;
    }
    throw error;
  }
  // No credential sources are configured in this build yet: like any helper without an answer,
  // reply with nothing so git moves on to its next helper or prompt.
  return 0;
}
