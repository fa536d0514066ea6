// What the pushing client sees (as "remote:" lines): every finding redacted, what was not
// scanned, and how to fix it.
import { redactFindings } from '../scan/finding.ts';
import type { ScanResult } from '../scan/result.ts';
import type { PolicyViolation } from './ref-policy.ts';

export function rejectionForFindings(result: ScanResult): string {
  const lines = ['', 'gatehouse: push REJECTED: secrets found. No ref was updated, here or upstream.', ''];
  for (const f of redactFindings(result.findings, 100)) {
    const where = f.File.startsWith('(') ? f.File : `${f.File}:${f.StartLine}`;
    lines.push(`  ${f.RuleID}  commit ${f.Commit.slice(0, 12)}  ${where}`);
    lines.push(`      ${f.Description}; match: ${truncate(f.Match, 100)}`);
  }
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
  lines.push('', 'Split large files out of the push or ask the gate operator to raise the limit.', '');
  return lines.join('\n');
}

export function rejectionForPolicy(violations: PolicyViolation[]): string {
  return ['', 'gatehouse: push REJECTED by ref policy. No ref was updated.', '', ...violations.map((v) => `  ${v.ref}: ${v.reason}`), ''].join('\n');
}

function truncate(text: string, max: number): string {
  const oneLine = text.replace(/\s+/g, ' ');
  return oneLine.length > max ? `${oneLine.slice(0, max)}...` : oneLine;
}
