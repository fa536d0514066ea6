// What the pushing client sees (as "remote:" lines): every finding redacted, what was not
// scanned, and how to fix it.
import { sortFindings, type Finding } from '../scan/finding.ts';
import type { ScanResult } from '../scan/result.ts';
import type { PolicyViolation } from './ref-policy.ts';

export function rejectionForFindings(result: ScanResult): string {
  const lines = ['', 'gatehouse: push REJECTED: secrets found. No ref was updated, here or upstream.', ''];
  const mask = secretMasker(result.findings);
  for (const f of sortFindings(result.findings).slice(0, SHOWN_FINDINGS)) {
    const commit = f.Commit ? `commit ${f.Commit.slice(0, 12)}  ` : '';
    lines.push(`  ${f.RuleID}  ${commit}${mask(describePlace(f))}`);
    lines.push(`      ${f.Description}${f.Tags.some((t) => t.startsWith('decoded:')) ? ' (found after decoding)' : ''}`);
    if (f.Line !== undefined) lines.push(`      | ${mask(maskedLine(f))}`);
  }
  if (result.findings.length > SHOWN_FINDINGS) lines.push(`  ... and ${result.findings.length - SHOWN_FINDINGS} more finding(s), in the gate's audit log.`);
  lines.push(
    '',
    'To fix: remove the secret from every commit that adds it (git commit --amend for the last',
    'commit, git rebase -i for older ones), rotate the credential if it was real, and push again.',
    '',
  );
  return lines.join('\n');
}

export function rejectionForUnscanned(result: ScanResult): string {
  const lines = ['', 'gatehouse: push REJECTED: part of it could not be scanned, and the gate fails closed.', ''];
  for (const n of result.notScanned) lines.push(`  ${n.path || '(push)'}${n.commit ? ` in ${n.commit.slice(0, 12)}` : ''}: ${n.reason}`);
  lines.push(
    '',
    'The gate forwards only what it has read. Take such files out of the push (or store them',
    'unencrypted and uncompressed), or ask the gate operator to raise the limit or to allow these',
    'paths with gate.allow_unscannable.',
    '',
  );
  return lines.join('\n');
}

export function rejectionForPolicy(violations: PolicyViolation[]): string {
  return ['', 'gatehouse: push REJECTED by ref policy. No ref was updated.', '', ...violations.map((v) => `  ${v.ref}: ${v.reason}`), ''].join('\n');
}

const MASK = '[REDACTED]';
const SHOWN_FINDINGS = 50;
const GUNZIPPED = '(gunzipped)';
const SHOWN = 160;

/** Where a finding is, in words: a file and line, an archive member, a header or name. */
export function describePlace(f: Finding): string {
  const line = f.StartLine > 0 ? `:${f.StartLine}` : '';
  if (f.File.startsWith('(')) return /^\((?:commit message|message of )/.test(f.File) ? `${f.File} line ${f.StartLine}` : f.File;
  const member = f.File.indexOf('!/');
  if (member !== -1) {
    // A gzip payload is no member of its own: "a.tar.gz!/(gunzipped)!/etc/x" is etc/x of a.tar.gz.
    const parts = f.File.split('!/');
    const last = parts.pop()!;
    const outer = parts.filter((p, i) => i === 0 || p !== GUNZIPPED).reverse().join(' in ');
    return last === GUNZIPPED ? `${outer}${line} (gunzipped)` : `member ${last}${line} of ${outer}`;
  }
  return `${f.File}${line}`;
}

/**
 * The line the secret starts on with the secret's own columns masked (an encoded secret's whole
 * encoded form), so the pusher can tell a real credential from a false alarm. Long lines are cut
 * to a window around the secret.
 */
export function maskedLine(f: Finding): string {
  const text = f.Line ?? '';
  const start = Math.max(0, f.StartColumn - 1);
  const end = f.EndLine === f.StartLine ? Math.min(text.length, f.EndColumn) : text.length;
  let shown = `${text.slice(0, start)}${MASK}${text.slice(end)}`;
  if (shown.length > SHOWN) {
    const from = Math.max(0, start - 60);
    shown = `${from > 0 ? '...' : ''}${shown.slice(from, from + SHOWN)}...`;
  }
  return shown.replace(/[\x00-\x08\x0b-\x1f\x7f]/g, '?').replace(/[\r\n\t]/g, ' ');
}

/** What the audit log keeps of each finding: no secret, also where a path or name held one. */
export function auditFindings(findings: Finding[]): Array<{ rule: string; commit: string; file: string; line: number }> {
  const mask = secretMasker(findings);
  return findings.map((f) => ({ rule: f.RuleID, commit: f.Commit, file: mask(f.File), line: f.StartLine }));
}

/** Findings as a client may see them: rule, where, and the line with every finding's secret masked. */
export function maskedFindings(findings: Finding[]): Array<{ rule: string; description: string; where: string; line?: string }> {
  const mask = secretMasker(findings);
  return findings.slice(0, SHOWN_FINDINGS).map((f) => ({
    rule: f.RuleID,
    description: f.Description,
    where: mask(describePlace(f)),
    ...(f.Line !== undefined ? { line: mask(maskedLine(f)) } : {}),
  }));
}

/** Masks every finding's secret wherever it appears (a path, a ref name, another line). */
function secretMasker(findings: Finding[]): (text: string) => string {
  const secrets = [...new Set(findings.map((f) => f.Secret).filter((s) => s.length >= 4))].sort((a, b) => b.length - a.length);
  return (text) => secrets.reduce((out, secret) => (out.includes(secret) ? out.split(secret).join(MASK) : out), text);
}
