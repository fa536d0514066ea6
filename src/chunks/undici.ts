// The HTTP client the shim uses upstream, a chunk of its own: only `gatehouse shim` (and serve
// with shim routes) loads it, so the other commands do not start slower for it.
export * from 'undici';
