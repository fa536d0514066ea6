// CSV with gitleaks' columns.
import type { Finding } from '../finding.ts';

const COLUMNS = ['RuleID', 'Commit', 'File', 'SymlinkFile', 'Secret', 'Match', 'StartLine', 'EndLine', 'StartColumn', 'EndColumn', 'Author', 'Message', 'Date', 'Email', 'Fingerprint', 'Tags'] as const;

export function formatCsvReport(findings: Finding[]): string {
  const rows = [COLUMNS.join(',')];
  for (const f of findings) {
    rows.push(COLUMNS.map((c) => cell(c === 'Tags' ? f.Tags.join(' ') : String(f[c]))).join(','));
  }
  return `${rows.join('\n')}\n`;
}

function cell(value: string): string {
  // Leading =, +, - or @ would be a formula in a spreadsheet: prefix a quote.
  const safe = /^[=+\-@]/.test(value) ? `'${value}` : value;
  return /[",\n\r]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}
