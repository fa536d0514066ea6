// The CLI role's code: `gatehouse <command>`.
export { runCli as run } from '../cli/registry.ts';
