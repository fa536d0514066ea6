// The pre-receive hook role. Until the scanning gate is built, every push is refused:
// the gate fails closed, it never waves a push through unscanned.
import type { ProcessIO } from '../process-io.ts';
import { EXIT_POLICY } from '../errors.ts';

export async function runPreReceiveRole(_args: string[], io: ProcessIO): Promise<number> {
  io.stderr.write('gatehouse: this build has no pre-receive scanner yet; push refused (the gate fails closed)\n');
  return EXIT_POLICY;
}
