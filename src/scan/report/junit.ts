// JUnit XML: one test case per finding (failed), so CI systems show them as failures.
import type { ScanResult } from '../result.ts';

export function formatJunitReport(result: ScanResult): string {
  const cases = result.findings.map((f) => {
    const name = `${f.RuleID} ${f.File}:${f.StartLine}`;
    const detail = `${f.Description}\nFile: ${f.File}\nLine: ${f.StartLine}\nCommit: ${f.Commit}\nSecret: ${f.Secret}\nFingerprint: ${f.Fingerprint}`;
    return `    <testcase classname="${xml(f.RuleID)}" name="${xml(name)}" file="${xml(f.File)}">\n      <failure message="${xml(f.Description)}" type="${xml(f.RuleID)}">${xml(detail)}</failure>\n    </testcase>`;
  });
  const unscanned = result.notScanned.map(
    (n) => `    <testcase classname="not-scanned" name="${xml(n.path || 'scan')}">\n      <error message="${xml(n.reason)}" type="not-scanned"/>\n    </testcase>`,
  );
  const total = cases.length + unscanned.length;
  return `<?xml version="1.0" encoding="UTF-8"?>\n<testsuites>\n  <testsuite name="gatehouse" tests="${Math.max(total, 1)}" failures="${cases.length}" errors="${unscanned.length}" time="${(result.stats.durationMs / 1000).toFixed(3)}">\n${
    total ? [...cases, ...unscanned].join('\n') : '    <testcase classname="gatehouse" name="no secrets found"/>'
  }\n  </testsuite>\n</testsuites>\n`;
}

export function xml(text: string): string {
  // Characters XML 1.0 cannot carry at all are dropped; the rest are escaped.
  return text
    .replace(/[^\x09\x0A\x0D\x20-\uD7FF\uE000-\uFFFD]/g, '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;');
}

