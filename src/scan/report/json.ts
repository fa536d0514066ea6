// gitleaks-compatible JSON: an array of findings with gitleaks' field names.
import type { Finding } from '../finding.ts';

export function formatJsonReport(findings: Finding[]): string {
  return `${JSON.stringify(findings.map(publicFields), null, 1)}\n`;
}

export function publicFields(f: Finding): Omit<Finding, 'Line'> {
  const { Line: _line, ...rest } = f;
  return rest;
}
