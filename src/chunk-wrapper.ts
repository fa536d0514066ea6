// The CommonJS wrapper around an embedded chunk; the build compiles the same text for the code
// cache, so the cache matches what the binary compiles.
export function wrapChunk(code: string): string {
  return `(function (exports, require, module, __filename, __dirname) {${code}\n})`;
}
