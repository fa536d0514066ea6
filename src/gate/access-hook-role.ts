// The git daemon --access-hook role. Until mirror refresh is built, every request is denied:
// a mirror that cannot be refreshed is never served.
import type { ProcessIO } from '../process-io.ts';
import { EXIT_POLICY } from '../errors.ts';

export async function runAccessHookRole(_args: string[], io: ProcessIO): Promise<number> {
  io.stderr.write('gatehouse: this build cannot refresh mirrors yet; request denied (the gate fails closed)\n');
  return EXIT_POLICY;
}
