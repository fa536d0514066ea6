// Whether a [[credential.rule]] covers a credential request: its protocol, host and path, in
// gatehouse's glob dialect (config/glob.ts). On the helper's get path: keep it small.
import { globMatches, HOST_GLOB, SCHEME_GLOB, URL_PATH_GLOB } from '../config/glob.ts';
import type { CredentialRuleConfig } from '../config/schema.ts';
import type { Credential } from './request.ts';

type Rule = Pick<CredentialRuleConfig, 'protocol' | 'host' | 'path'>;
type Target = Pick<Credential, 'protocol' | 'host' | 'path'>;

/**
 * A host as git sends it (already percent-decoded): DNS labels of letters, digits, "-" and "_"
 * (a final dot allowed), or a bracketed IPv6 literal (with a zone), then an optional :port. Anything
 * else, such as userinfo ("a@b"), "#", "?", "/", spaces or non-ASCII letters, is no host a rule
 * answers for, whatever its glob says.
 */
const VALID_HOST = /^(?:[A-Za-z0-9_-]+(?:\.[A-Za-z0-9_-]+)*\.?|\[[0-9A-Fa-f:.]+(?:%[A-Za-z0-9._~-]+)?\])(?::[0-9]{1,5})?$/;

export function isValidHost(host: string): boolean {
  return VALID_HOST.test(host);
}

/**
 * Why rule does not cover the request, or null when it does:
 * - protocol: a glob, case ignored (the default is "https"; "*" allows any);
 * - host: "*" is any host (or none); otherwise a host glob, `*` within one label, the port part of
 *   the host ("example.com" does not match "example.com:8443"), case ignored;
 * - path: empty allows any path (or none); otherwise the request's path must match the glob,
 *   `*` within one segment and `**` across, case kept. git sends a path only with
 *   credential.useHttpPath (the gate sets it for its upstreams), so without it a rule with a path
 *   answers nothing.
 */
export function ruleMismatch(rule: Rule, request: Target): string | null {
  if (!globMatches(rule.protocol, request.protocol, SCHEME_GLOB)) return `protocol ${show(request.protocol)} is not ${rule.protocol}`;
  if (request.host !== '' && !isValidHost(request.host)) return `host ${show(request.host)} is not a host name a rule answers for`;
  if (rule.host !== '*' && !globMatches(rule.host, request.host, HOST_GLOB)) return `host ${show(request.host)} does not match ${rule.host}`;
  if (rule.path !== '' && !globMatches(rule.path, request.path, URL_PATH_GLOB)) return `path ${show(request.path)} does not match ${rule.path}`;
  return null;
}

/** The first rule that covers the request (rules are ordered: the first match answers). */
export function matchRule<R extends Rule>(rules: readonly R[], request: Target): R | null {
  for (const rule of rules) if (ruleMismatch(rule, request) === null) return rule;
  return null;
}

/** For messages: quoted, control characters escaped, bounded. */
function show(text: string): string {
  if (text === '') return '(none)';
  const quoted = JSON.stringify(text.length > 200 ? `${text.slice(0, 200)}...` : text);
  return quoted;
}
