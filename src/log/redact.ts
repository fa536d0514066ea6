// Redaction for everything gatehouse writes about itself (logs, errors, `config show`).
// Two nets: every secret this process has loaded is registered and replaced wherever it
// appears, and values shaped like well-known credentials are masked even if never loaded.

export const REDACTED = '[REDACTED]';

const loadedSecrets = new Set<string>();

/** Remember a secret this process holds so no later log line or error can carry it. */
export function registerSecret(secret: string): void {
  // Very short values would mask ordinary words; such "secrets" are refused elsewhere.
  if (secret.length >= 6) loadedSecrets.add(secret);
}

export function forgetAllSecrets(): void {
  loadedSecrets.clear();
}

// Shapes of credentials that must never be printed even when this process did not load them.
// Each keeps a short recognisable head so an operator can still tell what was there. The third
// field is a literal every match must contain (case-insensitively): text with none of them is
// left alone without running the patterns (most log strings: paths, ids, times), since running
// all of them costs about 1 us per string and a server logs every request.
type Shape = [RegExp, (m: string, ...groups: string[]) => string, string];
const CREDENTIAL_SHAPES: Shape[] = [
  // userinfo in URLs: scheme://user:password@host
  [/\b([a-z][a-z0-9+.-]*:\/\/[^\s:/@]*):([^\s/@]+)@/gi, (_m, head) => `${head}:${REDACTED}@`, '://'],
  // HTTP auth header values
  [/\b(Bearer|Basic|token|Token)\s+([A-Za-z0-9._~+/=-]{8,})/g, (m, scheme, value) => (isWord(value) ? m : `${scheme} ${REDACTED}`), 'bearer|basic|token'],
  // PEM private key blocks (whole block, single- or multi-line, escaped newlines too)
  [
    /-----BEGIN ([A-Z0-9 ]*)PRIVATE KEY( BLOCK)?-----[\s\S]*?(-----END [A-Z0-9 ]*PRIVATE KEY( BLOCK)?-----|$)/g,
    (_m, kind) => `-----BEGIN ${kind}PRIVATE KEY-----${REDACTED}`,
    'private key',
  ],
  // GitHub, GitLab, Slack, OpenAI/Anthropic-style, npm, AWS key ids, JWTs
  [/\b(gh[pousr]_|github_pat_)[A-Za-z0-9_]{20,}/g, (_m, p) => `${p}${REDACTED}`, 'gh[pousr]_|github_pat_'],
  [/\b(glpat-|glptt-|gldt-|glrt-)[A-Za-z0-9_-]{20,}/g, (_m, p) => `${p}${REDACTED}`, 'glpat-|glptt-|gldt-|glrt-'],
  [/\b(xox[abposr]-)[A-Za-z0-9-]{10,}/g, (_m, p) => `${p}${REDACTED}`, 'xox[abposr]-'],
  [/\b(sk-(?:ant-|proj-)?)[A-Za-z0-9_-]{20,}/g, (_m, p) => `${p}${REDACTED}`, 'sk-'],
  [/\b(npm_)[A-Za-z0-9]{36}\b/g, (_m, p) => `${p}${REDACTED}`, 'npm_'],
  [/\b((?:AKIA|ASIA|AGPA|AIDA|AROA|ANPA|ANVA|AIPA)[A-Z0-9]{4})[A-Z0-9]{12}\b/g, (_m, p) => `${p}${REDACTED}`, 'akia|asia|agpa|aida|aroa|anpa|anva|aipa'],
  [/\beyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]*/g, () => `eyJ${REDACTED}`, 'eyj'],
  // key=value and key: value assignments of secret-named keys
  [
    /\b((?:pass(?:word|wd)?|secret|token|api[_-]?key|access[_-]?key|private[_-]?key|client[_-]?secret|auth)["']?\s*[:=](?!\/\/)\s*["']?)([^\s"',;&]{4,})/gi,
    // "password=x" and quoted values are always values; after "key: " a plain word is the rest
    // of a sentence ("store.password: environment variable ... unset"), not a secret.
    // `auth = "bearer"` names a scheme, never holds one.
    (m, head, value) => ((!/[="']/.test(head) || /^auth\b/i.test(head)) && isWord(value) ? m : `${head}${REDACTED}`),
    'pass|secret|token|api[_-]?key|access[_-]?key|private[_-]?key|auth',
  ],
];
/**
 * A word of prose or code (lower-case, camelCase, kebab-case, an --option; a trailing period or
 * colon), not a value: messages put words after "token" or "api-key:" and a redactor must leave
 * them be. A secret made only of such letters is not caught by shape (a loaded one still is, by
 * registration).
 */
function isWord(value: string): boolean {
  return value.length <= 24 && /^(?:--?)?[a-z]+(?:[A-Z][a-z]+)*(?:-[a-z]+)*[.:]?$/.test(value) && value.replace(/[^a-z]/gi, '').length <= 20;
}

/** Matches wherever any credential shape could: without a match, none of them can. */
const ANY_SHAPE = new RegExp(CREDENTIAL_SHAPES.map(([, , needle]) => `(?:${needle})`).join('|'), 'i');

/** Returns text with every loaded secret and every credential-shaped value masked. */
export function redactText(text: string): string {
  let out = text;
  for (const secret of loadedSecrets) {
    if (out.includes(secret)) out = out.split(secret).join(REDACTED);
  }
  if (!ANY_SHAPE.test(out)) return out;
  for (const [pattern, replace] of CREDENTIAL_SHAPES) {
    out = out.replace(pattern, replace as (substring: string, ...args: unknown[]) => string);
  }
  return out;
}

/** Deep copy of a log record with every string redacted; keys are kept. */
export function redactValue(value: unknown, depth = 0): unknown {
  if (typeof value === 'string') return redactText(value);
  if (depth > 8 || value === null || typeof value !== 'object') return value;
  if (value instanceof Error) {
    return { name: value.name, message: redactText(value.message) };
  }
  if (Array.isArray(value)) return value.map((v) => redactValue(v, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value)) out[key] = redactValue(v, depth + 1);
  return out;
}
