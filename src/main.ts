// Entry point: pick the role from the invocation name, then load only what that role needs.
// Roles git calls on every operation (credential helper, hooks) never load yargs or chalk.
import { roleForInvocation } from './roles.ts';
import { realProcessIO } from './process-io.ts';
import { EXIT_ERROR } from './errors.ts';

async function main(): Promise<number> {
  const io = realProcessIO();
  const args = userArguments();
  switch (roleForInvocation(process.argv0)) {
    case 'credential':
      return (await import('./credential/role.ts')).runCredentialRole(args, io);
    case 'pre-receive':
      return (await import('./gate/pre-receive-role.ts')).runPreReceiveRole(args, io);
    case 'access-hook':
      return (await import('./gate/access-hook-role.ts')).runAccessHookRole(args, io);
    case 'cli':
      if (args.length === 1 && (args[0] === '--version' || args[0] === '-V')) {
        io.stdout.write(`${(await import('./version.ts')).gatehouseVersion()}\n`);
        return 0;
      }
      return (await import('./cli/registry.ts')).runCli(args, io);
  }
}

/** Arguments after the program: in a single executable argv[1] repeats the binary path. */
function userArguments(): string[] {
  return process.argv.slice(2);
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    // Last line of defence: never a stack trace with secrets in it, always a non-zero exit.
    void import('./log/redact.ts').then(({ redactText }) => {
      process.stderr.write(`gatehouse: internal error: ${redactText(error instanceof Error ? error.message : String(error))}\n`);
      process.exitCode = EXIT_ERROR;
    });
  },
);
