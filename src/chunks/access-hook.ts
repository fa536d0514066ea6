// The git daemon access-hook role's code.
export { runAccessHookRole as run } from '../gate/access-hook-role.ts';
