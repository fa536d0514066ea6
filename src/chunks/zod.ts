// zod, a chunk of its own: only validating a configuration that is not in the validated-config
// cache loads it, so the hot paths (credential get, hooks) usually do not. Only what
// config/schema.ts uses is exported, so the chunk stays as small as zod bundled in place was.
export { array, boolean, enum, int, literal, number, record, strictObject, string, union } from 'zod';
