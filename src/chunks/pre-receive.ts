// The pre-receive hook role's code.
export { runPreReceiveRole as run } from '../gate/pre-receive-role.ts';
