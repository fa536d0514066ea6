// gatehouse scan git [REV-RANGE...] | scan dir PATH... | scan -
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { Chalk } from 'chalk';
import type { Argv } from 'yargs';
import { GatehouseError } from '../errors.ts';
import { runGit } from '../git/run.ts';
import { redactFindings } from '../scan/finding.ts';
import { readBaseline, readIgnoreFile } from '../scan/filters.ts';
import { formatCsvReport } from '../scan/report/csv.ts';
import { formatJsonReport } from '../scan/report/json.ts';
import { formatJunitReport } from '../scan/report/junit.ts';
import { formatSarifReport } from '../scan/report/sarif.ts';
import { formatTextReport } from '../scan/report/text.ts';
import type { ScanResult } from '../scan/result.ts';
import type { Store } from '../store/factory.ts';
import { gatehouseVersion } from '../version.ts';
import { defineCommand } from './command.ts';
import type { CommandContext } from './context.ts';
import { terminalProgress } from './progress.ts';

const FORMATS = ['text', 'json', 'sarif', 'junit', 'csv'] as const;

interface ScanArgs {
  source: string;
  targets: string[];
  all: boolean;
  repo?: string;
  rules?: string;
  format?: (typeof FORMATS)[number];
  'report-path'?: string;
  redact: number | boolean;
  'exit-code': number;
  'baseline-path'?: string;
  'gitleaks-ignore-path'?: string;
  'allow-unscanned': boolean;
  'max-file-size'?: number;
  timeout?: number;
  cache: boolean;
  gitignore: boolean;
  'inline-allow': boolean;
  'max-decode-depth'?: number;
  progress?: boolean;
}

export const scanCommand = defineCommand<ScanArgs>({
  command: 'scan <source> [targets..]',
  describe: 'find secrets in git history (scan git), files (scan dir) or standard input (scan -)',
  builder: (y: Argv) =>
    y
      .positional('source', { choices: ['git', 'dir', 'stdin'], describe: 'git: commits in a repository; dir: files on disk; - (or stdin): standard input' })
      .positional('targets', { type: 'string', array: true, describe: 'git: revision ranges (default HEAD); dir: paths (default .)' })
      .option('all', { type: 'boolean', default: false, describe: 'git: every ref, and annotated tag messages' })
      .option('repo', { alias: 'C', type: 'string', describe: 'git: repository to scan (default: current directory)' })
      .option('rules', { type: 'string', describe: 'gitleaks-format rules TOML (default: scan.rules, then .gitleaks.toml in the target, then built-in)' })
      .option('format', { alias: 'f', choices: FORMATS, describe: 'report format (default text; json with --json)' })
      .option('report-path', { alias: 'r', type: 'string', describe: 'write the report to this file instead of stdout' })
      .option('redact', { type: 'number', default: 100, describe: 'percent of each secret to mask in reports (--no-redact shows secrets)' })
      .option('exit-code', { type: 'number', default: 1, describe: 'exit code when secrets are found' })
      .option('baseline-path', { alias: 'b', type: 'string', describe: 'JSON report of known findings to leave out' })
      .option('gitleaks-ignore-path', { type: 'string', describe: 'file of fingerprints to ignore (default: .gitleaksignore in the target)' })
      .option('allow-unscanned', { type: 'boolean', default: false, describe: 'exit 0/1 even when limits left something unscanned (default: exit 2)' })
      .option('max-file-size', { type: 'number', describe: 'bytes; larger files are reported as not scanned (default: scan.max_file_size; then scan dir skips and lists larger binaries, as gitleaks does)' })
      .option('timeout', { type: 'number', describe: 'seconds for the whole scan; 0 for none (default: scan.max_run_seconds)' })
      .option('cache', { type: 'boolean', default: true, describe: 'reuse verdicts for content already scanned (--no-cache to rescan)' })
      .option('gitignore', { type: 'boolean', default: true, describe: 'dir: respect .gitignore (--no-gitignore scans ignored files too)' })
      .option('inline-allow', { type: 'boolean', default: true, describe: 'honour gitleaks:allow comments (--no-inline-allow to report them)' })
      .option('max-decode-depth', { type: 'number', describe: 'rounds of base64/hex/percent decoding (default: scan.decode_depth)' })
      .option('progress', { type: 'boolean', describe: 'progress bar on stderr (default: when stderr is a terminal)' })
      .example('$0 scan git --all', 'every commit on every ref, and tag messages')
      .example('$0 scan git main..feature --format sarif -r report.sarif', 'what a branch adds, as SARIF')
      .example('$0 scan dir . --no-gitignore', 'files on disk, ignored ones included')
      .example('cat config.env | $0 scan -', 'standard input')
      .epilogue('Exit codes: 0 clean, 1 (or --exit-code) secrets found, 2 usage error, runtime error, or something not scanned.'),
  async run(ctx, args) {
    // The scanner (its rules compile when loaded) and the store load here, not with `scan --help`.
    const { applyUserFilters, buildScanner, resolveRuleConfig, runDirScan, runGitScan, runStdinScan, scanExitCode, sortFindings } = await import('../scan/run.ts');
    const { openConfiguredStore } = await import('../store/open-configured.ts');
    const loaded = ctx.config();
    const settings = loaded.config.scan;
    const targetRoot = await targetRootFor(ctx, args);
    const ruleConfig = resolveRuleConfig(args.rules ?? (settings.rules || undefined), targetRoot);
    const store: Store | null = args.cache && settings.cache ? await openConfiguredStore(loaded, ctx.io.env) : null;
    try {
      const scanner = buildScanner({
        ruleConfig,
        limits: { maxFileBytes: args['max-file-size'] ?? settings.max_file_size, maxRunMs: (args.timeout ?? settings.max_run_seconds) * 1000 },
        decodeDepth: args['max-decode-depth'] ?? settings.decode_depth,
        store,
      });
      let result: ScanResult;
      if (args.source === 'git') {
        const repo = targetRoot!;
        const showProgress = args.progress ?? (ctx.io.stderr.isTTY === true);
        const total = showProgress ? await countCommits(repo, args.targets, args.all, ctx.io.env) : null;
        result = await runGitScan(scanner, repo, args.targets, args.all, ctx.io.env as NodeJS.ProcessEnv, terminalProgress(ctx.io.stderr, args.progress, 'commits'), total);
      } else if (args.source === 'dir') {
        // With the default limit a large binary is skipped and listed, as gitleaks does; a limit the user gives is strict.
        const skipLargeBinaries = args['max-file-size'] === undefined;
        result = await runDirScan(scanner, args.targets.length ? args.targets : ['.'], ctx.io.cwd, args.gitignore, terminalProgress(ctx.io.stderr, args.progress, 'files'), skipLargeBinaries);
      } else {
        result = await runStdinScan(scanner, ctx.io.stdin);
      }
      result = applyUserFilters(result, {
        baseline: args['baseline-path'] ? readBaseline(resolve(ctx.io.cwd, args['baseline-path'])) : [],
        ignoredFingerprints: readIgnoreFile(args['gitleaks-ignore-path'] ? resolve(ctx.io.cwd, args['gitleaks-ignore-path']) : resolve(targetRoot ?? ctx.io.cwd, '.gitleaksignore')),
        honorInlineAllow: args['inline-allow'],
      });
      const redactPercent = args.redact === false ? 0 : args.redact === true ? 100 : Math.min(100, Math.max(0, Number(args.redact)));
      result = { ...result, findings: redactFindings(sortFindings(result.findings), redactPercent) };
      writeReport(ctx, args, result, scanner.detector.rules, args.source === 'git' ? targetRoot! : ctx.io.cwd);
      return scanExitCode(result, { findingsExitCode: args['exit-code'], allowUnscanned: args['allow-unscanned'] });
    } finally {
      await store?.close();
    }
  },
});

async function targetRootFor(ctx: CommandContext, args: ScanArgs): Promise<string | null> {
  if (args.source === 'stdin') return null;
  if (args.source === 'dir') return resolve(ctx.io.cwd, args.targets[0] ?? '.');
  const start = resolve(ctx.io.cwd, args.repo ?? '.');
  const env = ctx.io.env as NodeJS.ProcessEnv;
  try {
    // One git call for the usual work tree; a bare repository has no top level, so ask again.
    const { stdout } = await runGit(['rev-parse', '--show-toplevel'], { cwd: start, env }).catch(() => runGit(['rev-parse', '--absolute-git-dir'], { cwd: start, env }));
    return stdout.trim();
  } catch {
    throw new GatehouseError(`${start} is not a git repository`, { hint: 'run inside a repository, pass --repo DIR, or use `gatehouse scan dir`' });
  }
}

async function countCommits(repo: string, targets: string[], all: boolean, env: NodeJS.ProcessEnv | Readonly<Record<string, string | undefined>>): Promise<number | null> {
  try {
    const { stdout } = await runGit(['rev-list', '--count', ...(all ? ['--all'] : []), ...(targets.length || all ? targets : ['HEAD']), '--'], { cwd: repo, env: env as NodeJS.ProcessEnv });
    return Number(stdout.trim());
  } catch {
    return null;
  }
}

/** srcRoot: what the findings' paths are relative to (SARIF's %SRCROOT%). */
function writeReport(ctx: CommandContext, args: ScanArgs, result: ScanResult, rules: Parameters<typeof formatSarifReport>[1], srcRoot: string): void {
  const format = args.format ?? (ctx.flags.json ? 'json' : 'text');
  let text: string;
  switch (format) {
    case 'json':
      text = formatJsonReport(result.findings);
      break;
    case 'sarif':
      text = formatSarifReport(result.findings, rules, gatehouseVersion(), srcRoot);
      break;
    case 'junit':
      text = formatJunitReport(result);
      break;
    case 'csv':
      text = formatCsvReport(result.findings);
      break;
    default:
      text = formatTextReport(result, args['report-path'] ? new Chalk({ level: 0 }) : ctx.out);
  }
  if (args['report-path']) {
    writeFileSync(resolve(ctx.io.cwd, args['report-path']), text, { mode: 0o600 });
    const summary = formatTextReport({ ...result, findings: [] }, ctx.err).trim().split('\n').at(-1)!;
    ctx.io.stderr.write(`${result.findings.length} finding(s) written to ${args['report-path']}; ${summary.replace(/^\S+ findings?; /, '')}\n`);
  } else {
    ctx.io.stdout.write(text);
    // Machine formats keep stdout clean; the not-scanned list still reaches a person.
    if (format !== 'text') {
      for (const n of result.skipped ?? []) ctx.io.stderr.write(`gatehouse: skipped: ${n.path}: ${n.reason}\n`);
      for (const n of result.notScanned) ctx.io.stderr.write(`gatehouse: not scanned: ${n.path || '(run)'}: ${n.reason}\n`);
    }
  }
}
