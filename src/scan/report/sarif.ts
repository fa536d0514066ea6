// SARIF 2.1.0 as GitHub code scanning accepts it: one run, the rules that fired as
// reportingDescriptors, each finding a result with a physical location. Locations are URI
// references relative to %SRCROOT% (SARIF 3.4.4), which the run maps to the scanned root as a
// file:// URI, so a viewer resolves them wherever the report is opened.
import { isAbsolute } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Finding } from '../finding.ts';
import type { Rule } from '../rule.ts';

const SRCROOT = '%SRCROOT%';

/** srcRoot: the directory the findings' File paths are relative to (the repository for scan git, else the working directory). */
export function formatSarifReport(findings: Finding[], rules: readonly Rule[], version: string, srcRoot: string): string {
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
        originalUriBaseIds: { [SRCROOT]: { uri: directoryUri(srcRoot) } },
        results: findings.map((f) => ({
          ruleId: f.RuleID,
          level: 'error',
          message: { text: `${f.Description}: ${f.Secret}` },
          locations: [
            {
              physicalLocation: {
                artifactLocation: artifactLocation(f.File && !f.File.startsWith('(') ? f.File : 'commit-message'),
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

function directoryUri(dir: string): string {
  const href = pathToFileURL(dir).href;
  return href.endsWith('/') ? href : `${href}/`;
}

/** A path as SARIF wants it: a relative reference against %SRCROOT%, each segment percent-encoded; an absolute path as a file:// URI. */
function artifactLocation(path: string): { uri: string; uriBaseId?: string } {
  if (isAbsolute(path)) return { uri: pathToFileURL(path).href };
  return { uri: path.split('/').map(encodeURIComponent).join('/'), uriBaseId: SRCROOT };
}
