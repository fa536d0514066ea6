// One scan, start to finish, for the CLI and the gate: rules, limits and cache in; a result out.
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { KeyvVerdictCache, VERDICT_NAMESPACE } from './cache.ts';
import { defaultRuleConfig, loadRuleConfigFile, type RuleConfig } from './config.ts';
import { Detector, ENGINE_VERSION } from './detector.ts';
import { compileRuleset } from './ruleset.ts';
import type { ScanProgress, ScanResult } from './result.ts';
import { Scanner, type ScanLimits } from './scanner.ts';
import { listTagObjects, scanGit } from './sources/git.ts';
import { scanDirs } from './sources/dir.ts';
import { scanStream } from './sources/stdin.ts';
import type { Store } from '../store/factory.ts';
import type { Finding } from './finding.ts';
import { dropBaseline, dropIgnored, dropInlineAllowed } from './filters.ts';

export interface ScannerSettings {
  ruleConfig: RuleConfig;
  limits: ScanLimits;
  decodeDepth: number;
  store: Store | null;
}

export function buildScanner(settings: ScannerSettings): Scanner {
  const ruleset = compileRuleset(settings.ruleConfig.rules, settings.ruleConfig.globalAllowlists);
  const detector = new Detector(ruleset.rules, { globalAllowlists: ruleset.globalAllowlists, maxDecodeDepth: settings.decodeDepth });
  const rulesetId = createHash('sha256')
    .update(JSON.stringify({ engine: ENGINE_VERSION, rules: settings.ruleConfig.rules, globals: settings.ruleConfig.globalAllowlists, decode: settings.decodeDepth, max: settings.limits.maxFileBytes }))
    .digest('hex')
    .slice(0, 32);
  // A commit allowlist makes a verdict depend on the commit, not only on the content: no cache then.
  const commitSpecific = ruleset.rules.some((r) => r.allowlists.some((a) => a.commits.size)) || ruleset.globalAllowlists.some((a) => a.commits.size);
  const cache = settings.store && !commitSpecific ? new KeyvVerdictCache(settings.store.namespace(VERDICT_NAMESPACE)) : null;
  return new Scanner({ detector, rulesetId, limits: settings.limits, cache });
}

/** The rules file to use: explicit, else a .gitleaks.toml at the target's top, else the built-in rules. */
export function resolveRuleConfig(explicit: string | undefined, targetRoot: string | null): RuleConfig {
  if (explicit) return loadRuleConfigFile(explicit);
  if (targetRoot) {
    const local = join(targetRoot, '.gitleaks.toml');
    if (existsSync(local)) return loadRuleConfigFile(local);
  }
  return defaultRuleConfig();
}

export async function runGitScan(scanner: Scanner, repo: string, revisions: string[], all: boolean, env: NodeJS.ProcessEnv, progress: ScanProgress | null, totalCommits: number | null): Promise<ScanResult> {
  const tagObjects = all ? await listTagObjects(repo, env) : [];
  return scanGit(scanner, { repo, revisions: all ? ['--all', ...revisions] : revisions.length ? revisions : ['HEAD'], tagObjects, env, progress, totalCommits });
}

export async function runDirScan(scanner: Scanner, paths: string[], cwd: string, respectGitignore: boolean, progress: ScanProgress | null, skipLargeBinaries = false): Promise<ScanResult> {
  return scanDirs(scanner, { paths, cwd, respectGitignore, progress, skipLargeBinaries });
}

export async function runStdinScan(scanner: Scanner, input: Readable): Promise<ScanResult> {
  return scanStream(scanner, input);
}

export interface FilterOptions {
  baseline: Finding[];
  ignoredFingerprints: Set<string>;
  honorInlineAllow: boolean;
}

/** The CLI's "already known" filters; the gate never calls this. */
export function applyUserFilters(result: ScanResult, options: FilterOptions): ScanResult {
  let findings = result.findings;
  if (options.honorInlineAllow) findings = dropInlineAllowed(findings);
  findings = dropIgnored(findings, options.ignoredFingerprints);
  findings = dropBaseline(findings, options.baseline);
  return { ...result, findings };
}

/** 2 when something was not scanned (unless allowed), else findingsExitCode on findings, else 0. */
export function scanExitCode(result: ScanResult, options: { findingsExitCode: number; allowUnscanned: boolean }): number {
  if (result.notScanned.length && !options.allowUnscanned) return 2;
  return result.findings.length ? options.findingsExitCode : 0;
}

export { sortFindings } from './finding.ts';
