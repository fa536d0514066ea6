// Scans files on disk. Inside a git work tree git itself lists the files (tracked and
// untracked, .gitignore respected); elsewhere the walk reads .gitignore files with the
// `ignore` package. Files git would call binary are read as the gate reads a blob (UTF-16
// decoded, archives opened, printable strings of the rest); what cannot be read and files over
// the size limit are reported as not scanned; symlinks are not followed.
import { execFile } from 'node:child_process';
import { closeSync, lstatSync, openSync, readdirSync, readFileSync, readSync, type Stats } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import ignore, { type Ignore } from 'ignore';
import { emptyStats, type ScanProgress, type ScanResult } from '../result.ts';
import type { Scanner } from '../scanner.ts';
import { DEFAULT_BLOB_VIEW_LIMITS } from '../blob-views.ts';

export interface DirSourceOptions {
  paths: string[];
  cwd: string;
  /** false: scan every file, ignored or not (.git directories are still skipped). */
  respectGitignore: boolean;
  /**
   * Binaries over the size limit are skipped and listed, as gitleaks skips them, instead of
   * counting as not scanned: for the default limit, not one the user asked for.
   */
  skipLargeBinaries?: boolean;
  progress?: ScanProgress | null;
}

export async function scanDirs(scanner: Scanner, options: DirSourceOptions): Promise<ScanResult> {
  const started = Date.now();
  const stats = emptyStats();
  const result: ScanResult = { findings: [], notScanned: [], stats };
  const deadline = scanner.limits.maxRunMs > 0 ? started + scanner.limits.maxRunMs : Infinity;
  for (const given of options.paths) {
    const root = resolve(options.cwd, given);
    let files: string[];
    const stat = lstatSync(root);
    if (stat.isFile()) files = [root];
    else if (options.respectGitignore) files = (await gitListFiles(root)) ?? walk(root, true);
    else files = walk(root, false);
    // A folder the user named that .gitignore leaves out would otherwise scan nothing, silently.
    if (!files.length && options.respectGitignore && !stat.isFile() && (await gitIgnores(root))) {
      result.notScanned.push({ path: displayPath(options.cwd, root), commit: '', reason: 'ignored by .gitignore, so nothing in it was scanned; --no-gitignore scans it' });
    }
    for (const file of files) {
      if (Date.now() > deadline) {
        result.notScanned.push({ path: file, commit: '', reason: `time limit of ${scanner.limits.maxRunMs} ms reached; this and later files were not scanned` });
        stats.durationMs = Date.now() - started;
        return result;
      }
      scanFile(scanner, file, displayPath(options.cwd, file), result, options.skipLargeBinaries ?? false);
      options.progress?.update({ commits: stats.files, bytes: stats.bytes, total: null });
    }
  }
  options.progress?.stop();
  stats.durationMs = Date.now() - started;
  return result;
}

function displayPath(cwd: string, file: string): string {
  const rel = relative(cwd, file);
  return rel.startsWith('..') ? file : rel.split(sep).join('/');
}

function scanFile(scanner: Scanner, file: string, shown: string, result: ScanResult, skipLargeBinaries: boolean): void {
  let stat: Stats;
  try {
    stat = lstatSync(file);
  } catch {
    return; // listed by git but deleted from the work tree
  }
  if (!stat.isFile()) return;
  result.stats.files++;
  const pathFindings = scanner.scanPath({ file: shown, commit: '' });
  result.findings.push(...pathFindings);
  if (stat.size > scanner.limits.maxFileBytes) {
    if (skipLargeBinaries && looksBinary(file)) {
      result.stats.binarySkipped++;
      (result.skipped ??= []).push({ path: shown, commit: '', reason: `binary file of ${stat.size} bytes, over the ${scanner.limits.maxFileBytes}-byte limit (as gitleaks skips it); --max-file-size BYTES scans it` });
      return;
    }
    result.notScanned.push({ path: shown, commit: '', reason: `file is ${stat.size} bytes, over the ${scanner.limits.maxFileBytes}-byte limit` });
    return;
  }
  let data: Buffer;
  try {
    data = readFileSync(file);
  } catch (error) {
    result.notScanned.push({ path: shown, commit: '', reason: `cannot read: ${(error as Error).message}` });
    return;
  }
  result.stats.bytes += data.length;
  const scanned = scanner.scanBlob(data, { file: shown, commit: '' }, { ...DEFAULT_BLOB_VIEW_LIMITS, maxViewBytes: scanner.limits.maxFileBytes });
  result.findings.push(...scanned.findings);
  for (const u of scanned.unreadable) result.notScanned.push({ path: u.member ? `${shown}!/${u.member}` : shown, commit: '', reason: u.reason });
}

/** git's own test: a NUL in the first 8000 bytes. */
function looksBinary(file: string): boolean {
  let fd: number | null = null;
  try {
    fd = openSync(file, 'r');
    const head = Buffer.alloc(8000);
    const read = readSync(fd, head, 0, head.length, 0);
    return head.subarray(0, read).includes(0);
  } catch {
    return false; // unreadable: reported as not scanned by the caller's path
  } finally {
    if (fd !== null) closeSync(fd);
  }
}

/** Whether git (inside a work tree) ignores this path. */
function gitIgnores(path: string): Promise<boolean> {
  return new Promise((resolvePromise) => {
    execFile('git', ['check-ignore', '-q', '--', path], { cwd: dirname(path) }, (error) => resolvePromise(!error));
  });
}

function gitListFiles(dir: string): Promise<string[] | null> {
  return new Promise((resolvePromise) => {
    execFile(
      'git',
      ['-c', 'core.quotePath=false', 'ls-files', '-z', '--cached', '--others', '--exclude-standard', '--', '.'],
      { cwd: dir, maxBuffer: 512 * 1024 * 1024, encoding: 'buffer' },
      (error, stdout) => {
        if (error) return resolvePromise(null); // not a git work tree
        const names = stdout.toString('utf8').split('\0').filter(Boolean);
        resolvePromise([...new Set(names)].map((name) => join(dir, name)));
      },
    );
  });
}

function walk(root: string, respectGitignore: boolean): string[] {
  const files: string[] = [];
  const visit = (dir: string, rules: Array<{ base: string; ig: Ignore }>) => {
    let entries;
    try {
      entries = readdirSync(dir, { withFileTypes: true });
    } catch {
      return;
    }
    let active = rules;
    if (respectGitignore && entries.some((e) => e.name === '.gitignore' && e.isFile())) {
      active = [...rules, { base: dir, ig: ignore().add(readFileSync(join(dir, '.gitignore'), 'utf8')) }];
    }
    for (const entry of entries) {
      if (entry.name === '.git') continue;
      const full = join(dir, entry.name);
      if (respectGitignore && active.some(({ base, ig }) => ig.ignores(relative(base, full) + (entry.isDirectory() ? '/' : '')))) continue;
      if (entry.isDirectory()) visit(full, active);
      else if (entry.isFile()) files.push(full);
    }
  };
  visit(root, []);
  return files.sort();
}
