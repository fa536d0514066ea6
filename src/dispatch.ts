// What every entry point does: pick the role from the invocation name, answer --version
// without loading anything, load the role's code, run it, set the exit code. How the role's
// code is loaded differs (source: import(); single executable: an embedded chunk).
import { EXIT_ERROR } from './errors.ts';
import type { ProcessIO } from './process-io.ts';
import { realProcessIO } from './process-io.ts';
import { roleForInvocation, type Role } from './roles.ts';

export interface RoleModule {
  run(args: string[], io: ProcessIO): Promise<number>;
}

export type RoleLoader = (role: Role) => Promise<RoleModule>;

export function dispatch(load: RoleLoader, version: () => string): void {
  const io = realProcessIO();
  // In a single executable argv[1] repeats the binary path, as under node it names the script.
  const args = process.argv.slice(2);
  const role = roleForInvocation(process.argv0);
  const run = async (): Promise<number> => {
    if (role === 'cli' && args.length === 1 && (args[0] === '--version' || args[0] === '-V')) {
      io.stdout.write(`${version()}\n`);
      return 0;
    }
    return (await load(role)).run(args, io);
  };
  run().then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      // Last line of defence: never a stack trace (it could hold a secret), always non-zero.
      const message = error instanceof Error ? error.message : String(error);
      void import('./log/redact.ts').then(({ redactText }) => {
        process.stderr.write(`gatehouse: internal error: ${redactText(message)}\n`);
        process.exitCode = EXIT_ERROR;
      });
    },
  );
}
