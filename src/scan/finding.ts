// A finding, with gitleaks' report fields. Lines and columns are 1-based, as gitleaks reports them.
export interface Finding {
  RuleID: string;
  Description: string;
  StartLine: number;
  EndLine: number;
  StartColumn: number;
  EndColumn: number;
  Match: string;
  Secret: string;
  File: string;
  SymlinkFile: string;
  Commit: string;
  Entropy: number;
  Author: string;
  Email: string;
  Date: string;
  Message: string;
  Tags: string[];
  Fingerprint: string;
  /** The full text of the line the secret starts on; used for allowlists and ignores, not reported. */
  Line?: string;
}

export function fingerprint(f: Pick<Finding, 'Commit' | 'File' | 'RuleID' | 'StartLine'>): string {
  return f.Commit ? `${f.Commit}:${f.File}:${f.RuleID}:${f.StartLine}` : `${f.File}:${f.RuleID}:${f.StartLine}`;
}

/** Masks percent% of a secret, as gitleaks --redact=PCT does: the rest stays visible at the start. */
export function redactSecret(secret: string, percent: number): string {
  if (percent >= 100) return 'REDACTED';
  if (percent <= 0) return secret;
  const visible = Math.floor((secret.length * (100 - percent)) / 100);
  return `${secret.slice(0, visible)}...`;
}

/**
 * Masks every finding's secret wherever any of them appears: in Secret, Match, Message (a commit
 * message can hold a secret that another finding reports) and Line. The line keeps everything
 * but the secret's own columns (an encoded secret's whole encoded form), so a reader can tell a
 * real credential from a false alarm without seeing it.
 */
export function redactFindings(findings: Finding[], percent: number): Finding[] {
  if (percent <= 0) return findings;
  const secrets = [...new Set(findings.map((f) => f.Secret).filter((s) => s.length > 0))].sort((a, b) => b.length - a.length);
  const mask = (text: string) => secrets.reduce((out, secret) => (out.includes(secret) ? out.split(secret).join(redactSecret(secret, percent)) : out), text);
  return findings.map((f) => {
    const { Line: line, ...rest } = f;
    const redacted = { ...rest, Secret: f.Secret ? redactSecret(f.Secret, percent) : f.Secret, Match: mask(f.Match), Message: mask(f.Message) };
    if (line === undefined || !f.Secret) return redacted;
    // Columns are 1-based and inclusive; a secret that goes on past its first line is masked to the line's end.
    const start = Math.max(0, f.StartColumn - 1);
    const end = f.EndLine === f.StartLine ? Math.min(line.length, f.EndColumn) : line.length;
    return { ...redacted, Line: mask(`${line.slice(0, start)}${redactSecret(f.Secret, percent)}${line.slice(end)}`) };
  });
}

/** Orders findings as a reader expects: by commit (in order of appearance), then file, line and column. */
export function sortFindings(findings: Finding[]): Finding[] {
  const order = new Map<string, number>();
  for (const f of findings) if (!order.has(f.Commit)) order.set(f.Commit, order.size);
  return [...findings].sort((a, b) => order.get(a.Commit)! - order.get(b.Commit)! || compareText(a.File, b.File) || a.StartLine - b.StartLine || a.StartColumn - b.StartColumn);
}

/** By code point, so the order is the same in every locale (as git and sort -C order paths). */
function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
