// Waiting for servers the tests start: the same helpers gatehouse itself uses.
export { freePort, waitForPort } from '../../src/net/ports.ts';
