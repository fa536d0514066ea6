// SARIF 2.1.0 as GitHub code scanning accepts it: one run, the rules that fired as
// reportingDescriptors, each finding a result with a physical location.
import type { Finding } from '../finding.ts';
import type { Rule } from '../rule.ts';

export function formatSarifReport(findings: Finding[], rules: readonly Rule[], version: string): string {
  const used = [...new Set(findings.map((f) => f.RuleID))];
  const byId = new Map(rules.map((r) => [r.id, r]));
  const sarif = {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'gatehouse',
            semanticVersion: version,
            rules: used.map((id) => ({
              id,
              name: id,
              shortDescription: { text: byId.get(id)?.description ?? id },
              properties: { tags: byId.get(id)?.tags ?? [] },
            })),
          },
        },
        results: findings.map((f) => ({
          ruleId: f.RuleID,
          level: 'error',
          message: { text: `${f.Description}: ${f.Secret}` },
          locations: [
            {
              physicalLocation: {
                artifactLocation: { uri: f.File && !f.File.startsWith('(') ? f.File : 'commit-message' },
                region: { startLine: f.StartLine, startColumn: f.StartColumn, endLine: f.EndLine, endColumn: f.EndColumn + 1 },
              },
            },
          ],
          partialFingerprints: { 'gatehouse/fingerprint': f.Fingerprint },
          properties: f.Commit ? { commit: f.Commit, author: f.Author, email: f.Email, date: f.Date } : {},
        })),
      },
    ],
  };
  return `${JSON.stringify(sarif, null, 1)}\n`;
}
