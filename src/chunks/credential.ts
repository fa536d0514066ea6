// The credential helper role's code: git-credential-gatehouse.
export { runCredentialRole as run } from '../credential/role.ts';
