// The report for people: findings grouped by commit, in file and line order, secrets already
// redacted by the caller.
import type { ChalkInstance } from 'chalk';
import { sortFindings, type Finding } from '../finding.ts';
import type { ScanResult } from '../result.ts';

export function formatTextReport(result: ScanResult, chalk: ChalkInstance): string {
  const lines: string[] = [];
  const groups = new Map<string, Finding[]>();
  for (const f of sortFindings(result.findings)) {
    const key = f.Commit || '';
    const list = groups.get(key);
    if (list) list.push(f);
    else groups.set(key, [f]);
  }
  for (const [commit, findings] of groups) {
    if (commit) {
      const first = findings[0]!;
      lines.push(chalk.yellow(`commit ${commit}`) + (first.Author ? chalk.dim(`  ${first.Author} <${first.Email}>  ${first.Date}`) : ''));
      const subject = first.Message.split('\n')[0];
      if (subject) lines.push(chalk.dim(`    ${subject}`));
    }
    for (const f of findings) {
      const where = f.File ? `${f.File}:${f.StartLine}:${f.StartColumn}` : `line ${f.StartLine}`;
      lines.push(`  ${chalk.red.bold(f.RuleID)}  ${chalk.cyan(where)}  ${f.Description}`);
      lines.push(`      ${chalk.dim('secret:')} ${f.Secret}   ${chalk.dim(`entropy ${f.Entropy.toFixed(2)}  fingerprint ${f.Fingerprint}`)}`);
      if (f.Line !== undefined && f.Line.trim()) lines.push(`      ${chalk.dim('|')} ${shownLine(f)}`);
    }
    lines.push('');
  }
  for (const n of result.skipped ?? []) lines.push(chalk.dim(`skipped: ${n.path}: ${n.reason}`));
  for (const n of result.notScanned) {
    lines.push(chalk.magenta(`not scanned: ${n.path || '(run)'}${n.commit ? ` in ${n.commit}` : ''}: ${n.reason}`));
  }
  const s = result.stats;
  const summary = `${result.findings.length} finding${result.findings.length === 1 ? '' : 's'}; scanned ${s.commits ? `${s.commits} commits, ` : ''}${s.files} files, ${formatBytes(s.bytes)} in ${(s.durationMs / 1000).toFixed(2)}s` +
    `${s.binarySkipped ? `; ${s.binarySkipped} binary skipped` : ''}${s.cacheHits ? `; ${s.cacheHits} from cache` : ''}${result.notScanned.length ? `; ${result.notScanned.length} NOT scanned` : ''}`;
  lines.push(result.findings.length ? chalk.red(summary) : result.notScanned.length ? chalk.magenta(summary) : chalk.green(summary));
  return `${lines.join('\n')}\n`;
}

/** The finding's line (already redacted by the caller) cut to a window around the secret, control characters shown as '?'. */
function shownLine(f: Finding): string {
  const line = f.Line!.replace(/\s+$/, '');
  const start = Math.max(0, f.StartColumn - 1);
  let shown = line;
  if (line.length > 160) {
    const from = Math.max(0, start - 60);
    shown = `${from > 0 ? '...' : ''}${line.slice(from, from + 160)}${from + 160 < line.length ? '...' : ''}`;
  }
  return shown.replace(/[\x00-\x08\x0b-\x1f\x7f]/g, '?').replace(/\t/g, ' ');
}

export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KiB`;
  if (n < 1024 ** 3) return `${(n / 1024 / 1024).toFixed(1)} MiB`;
  return `${(n / 1024 ** 3).toFixed(2)} GiB`;
}
