// Ways a CLI user says "this one is known": a baseline report, a .gitleaksignore of
// fingerprints, and inline `gitleaks:allow` comments. The gate uses none of them: a client must
// not be able to allowlist its own push.
import { existsSync, readFileSync } from 'node:fs';
import { GatehouseError } from '../errors.ts';
import type { Finding } from './finding.ts';

const INLINE_ALLOW = /\b(?:gitleaks|gatehouse):allow\b/;

export function dropInlineAllowed(findings: Finding[]): Finding[] {
  return findings.filter((f) => !(f.Line && INLINE_ALLOW.test(f.Line)));
}

/** Fingerprints from a .gitleaksignore file: one per line, # comments. */
export function readIgnoreFile(path: string): Set<string> {
  if (!existsSync(path)) return new Set();
  return new Set(
    readFileSync(path, 'utf8')
      .split('\n')
      .map((l) => l.trim())
      .filter((l) => l && !l.startsWith('#')),
  );
}

export function dropIgnored(findings: Finding[], fingerprints: Set<string>): Finding[] {
  if (fingerprints.size === 0) return findings;
  // gitleaks also accepts fingerprints without the commit for findings outside git.
  return findings.filter((f) => !fingerprints.has(f.Fingerprint) && !fingerprints.has(`${f.File}:${f.RuleID}:${f.StartLine}`));
}

/** Loads a previous JSON report; findings that match one of its entries are not reported again. */
export function readBaseline(path: string): Finding[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new GatehouseError(`cannot read baseline ${path}: ${(error as Error).message}`, { hint: 'pass a JSON report written with --format json' });
  }
  if (!Array.isArray(parsed)) throw new GatehouseError(`baseline ${path} is not a JSON array of findings`);
  return parsed as Finding[];
}

export function dropBaseline(findings: Finding[], baseline: Finding[]): Finding[] {
  if (baseline.length === 0) return findings;
  const known = new Set(baseline.map(baselineKey));
  const fingerprints = new Set(baseline.map((b) => b.Fingerprint).filter(Boolean));
  return findings.filter((f) => !fingerprints.has(f.Fingerprint) && !known.has(baselineKey(f)));
}

function baselineKey(f: Pick<Finding, 'RuleID' | 'File' | 'StartLine' | 'EndLine' | 'StartColumn' | 'EndColumn' | 'Commit'>): string {
  return [f.RuleID, f.File, f.StartLine, f.EndLine, f.StartColumn, f.EndColumn, f.Commit].join('\0');
}
