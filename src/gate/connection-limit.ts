// The default cap on concurrent git:// connections (git daemon --max-connections), sized for the
// machine. Past the cap git daemon does not queue or answer: it kills an older connection from
// the same address, waits a second and drops the new one, and clients see "Connection reset by
// peer" with no message. So the cap is set above what the machine is expected to see, and
// bounded by memory, not by a fixed number: each connection runs git upload-pack (and
// pack-objects), and a clone also runs the access hook, together up to about 128 MiB.
import { totalmem } from 'node:os';

const PER_CONNECTION_BYTES = 128 * 1024 * 1024;
export const MIN_CONNECTIONS = 64;
export const MAX_DEFAULT_CONNECTIONS = 1024;

export function machineConnectionLimit(memoryBytes = totalmem()): number {
  return Math.min(MAX_DEFAULT_CONNECTIONS, Math.max(MIN_CONNECTIONS, Math.floor(memoryBytes / PER_CONNECTION_BYTES)));
}
