// Scans git history: every line every commit in range adds (merges: only lines new against
// every parent, i.e. what the merge resolution itself introduced), every commit message, and
// the messages of annotated tags. Streams `git log -p` through the patch parser; the whole
// history is never in memory.
import { spawn } from 'node:child_process';
import { CatFileBatch, CatFileCheck, parseCommit, parseTag, type CommitInfo } from '../../git/cat-file.ts';
import { DEFAULT_BLOB_VIEW_LIMITS } from '../blob-views.ts';
import { bufferedGit } from '../../git/buffered-output.ts';
import { LineSplitter } from '../../git/line-reader.ts';
import { runGit } from '../../git/run.ts';
import { gateGitEnv } from '../../git/safe-env.ts';
import { isZeroOid } from '../../git/oid.ts';
import { COMMIT_MARKER, PatchParser, type FileChange } from '../../git/patch-parser.ts';
import { fingerprint, type Finding } from '../finding.ts';
import { emptyStats, type ScanProgress, type ScanResult } from '../result.ts';
import type { Scanner } from '../scanner.ts';

export interface GitSourceOptions {
  repo: string;
  /** Revision arguments for git log: ["--all"], ["main..topic"], or [new, "--not", "--all"]. */
  revisions: string[];
  /** Annotated tag objects whose messages are scanned (ids); with --all, every tag in the repo. */
  tagObjects?: string[];
  env?: NodeJS.ProcessEnv;
  /** A cat-file process the caller already runs (it keeps ownership); else one is started. */
  catFile?: CatFileBatch;
  progress?: ScanProgress | null;
  /** Total commits, for progress; computed by the caller when it shows progress. */
  totalCommits?: number | null;
}

// Repository config must not change what git prints: a client controls a pushed repo's
// history but not this list, and an operator's ~/.gitconfig may set any of these.
const FIXED_CONFIG = [
  '-c', 'core.quotePath=true',
  '-c', 'diff.noprefix=false',
  '-c', 'diff.mnemonicPrefix=false',
  '-c', 'diff.suppressBlankEmpty=false',
  '-c', 'diff.external=',
  '-c', 'log.showSignature=false',
  '-c', 'color.ui=false',
  '-c', 'core.pager=cat',
];

export function gitLogArguments(revisions: string[]): string[] {
  return [
    ...FIXED_CONFIG,
    'log',
    '-p',
    '-U0',
    '--cc',
    '-M',
    // Histogram diffs pair more lines up than Myers on reworked files, so fewer unchanged lines
    // come out as added (4% fewer bytes on the bench history), and git makes them a little faster.
    // Any valid diff shows every new line as added, so no new content is missed.
    '--diff-algorithm=histogram',
    '--full-index',
    '--no-color',
    '--no-ext-diff',
    '--no-textconv',
    '--src-prefix=a/',
    '--dst-prefix=b/',
    `--format=tformat:${COMMIT_MARKER}%H %P`,
    ...revisions,
    '--',
  ];
}

export async function scanGit(scanner: Scanner, options: GitSourceOptions): Promise<ScanResult> {
  const started = Date.now();
  const env = gateGitEnv(options.env ?? process.env);
  const stats = emptyStats();
  const result: ScanResult = { findings: [], notScanned: [], stats };
  const catFile = options.catFile ?? new CatFileBatch(options.repo, env);
  const objects: BlobSource = { check: new CatFileCheck(options.repo, env), catFile };
  const commitInfo = new Map<string, Promise<CommitInfo>>();
  const completed: FileChange[] = [];
  const infoFor = (oid: string): Promise<CommitInfo> => {
    let info = commitInfo.get(oid);
    if (!info) {
      info = catFile.get(oid).then((object) => {
        if (!object || object.type !== 'commit') throw new Error(`commit ${oid} is missing`);
        return parseCommit(oid, object.content);
      });
      commitInfo.set(oid, info);
    }
    return info;
  };
  const messageScans: Array<Promise<void>> = [];
  const parser = new PatchParser(
    {
      commit: (oid) => {
        stats.commits++;
        // Ask cat-file now (it works alongside git log); scan the message when it arrives.
        messageScans.push(infoFor(oid).then((info) => {
          result.findings.push(...scanner.scanText(info.message, { file: '', commit: oid, author: info.author, email: info.email, date: info.date, message: info.message }).map(asMessageFinding));
        }));
      },
      file: (change) => completed.push(change),
    },
    // Output the parser cannot follow is reported as not scanned, never the end of the scan.
    { maxFileBytes: scanner.limits.maxFileBytes, filter: scanner.detector.linePrefilter(), onFormatError: (skipped) => result.notScanned.push(skipped) },
  );

  const command = bufferedGit(gitLogArguments(options.revisions), env);
  const log = spawn(command.file, command.args, { cwd: options.repo, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  log.stderr.on('data', (c: Buffer) => {
    if (stderr.length < 64 * 1024) stderr += c.toString();
  });
  const exited = new Promise<number | null>((resolve, reject) => {
    log.on('error', reject);
    log.on('close', (code) => resolve(code));
  });

  const splitter = new LineSplitter(scanner.limits.maxFileBytes);
  const deadline = scanner.limits.maxRunMs > 0 ? started + scanner.limits.maxRunMs : Infinity;
  let timedOut = false;
  try {
    for await (const chunk of log.stdout as AsyncIterable<Buffer>) {
      stats.bytes += chunk.length;
      splitter.push(chunk, parser.line);
      if (completed.length) await processFiles(completed.splice(0), scanner, result, infoFor, objects);
      options.progress?.update({ commits: stats.commits, bytes: stats.bytes, total: options.totalCommits ?? null });
      if (Date.now() > deadline) {
        timedOut = true;
        log.kill();
        break;
      }
    }
    if (!timedOut) {
      splitter.end(parser.line);
      parser.end();
      await processFiles(completed.splice(0), scanner, result, infoFor, objects);
    }
    const code = await exited;
    if (!timedOut && code !== 0) throw new Error(`git log failed (exit ${code}): ${stderr.trim().split('\n').slice(-3).join(' ')}`);
    await Promise.all(messageScans);
    for (const tag of options.tagObjects ?? []) await scanTag(tag, catFile, scanner, result);
  } finally {
    if (!options.catFile) catFile.close();
    objects.check.close();
    if (log.exitCode === null) log.kill();
    options.progress?.stop();
  }
  if (timedOut) {
    result.notScanned.push({ path: '', commit: '', reason: `time limit of ${scanner.limits.maxRunMs} ms reached after ${stats.commits} commits; the rest of the range was not scanned` });
  }
  stats.durationMs = Date.now() - started;
  return result;
}

/** Reads blobs for the binary files a diff does not show: their size first, so one over the limit is never loaded. */
interface BlobSource {
  check: CatFileCheck;
  catFile: CatFileBatch;
}

/**
 * A file git calls binary is read whole (UTF-16 decoded, archives opened, printable strings of
 * the rest, as blob-views does); a secret its pre-image (any parent's version) already held is
 * not reported again, as an unchanged line would not be.
 */
async function scanBinaryChange(change: FileChange, scanner: Scanner, result: ScanResult, objects: BlobSource): Promise<Finding[]> {
  const [before, after] = change.blobs.split('..');
  if (!after || isZeroOid(after)) {
    result.stats.binarySkipped++;
    return [];
  }
  const key = scanner.cache ? scanner.cacheKey(change.path, change.blobs) : null;
  if (key && (await scanner.cache!.isClean(key))) {
    result.stats.cacheHits++;
    return [];
  }
  const secretsIn = async (oid: string): Promise<{ found: Finding[]; unreadable: string[] } | null> => {
    const header = await objects.check.get(oid);
    if (!header) return null;
    if (header.size > scanner.limits.maxFileBytes) return { found: [], unreadable: [`${header.size} bytes, over the scan limit of ${scanner.limits.maxFileBytes}`] };
    const object = await objects.catFile.get(oid);
    if (!object) return null;
    const scanned = scanner.scanBlob(object.content, { file: change.path, commit: change.commit }, { ...DEFAULT_BLOB_VIEW_LIMITS, maxViewBytes: scanner.limits.maxFileBytes });
    return { found: scanned.findings, unreadable: scanned.unreadable.map((u) => (u.member ? `${u.member}: ${u.reason}` : u.reason)) };
  };
  const scanned = await secretsIn(after);
  if (!scanned) throw new Error(`blob ${after} of ${change.path} in ${change.commit} is missing`);
  for (const reason of scanned.unreadable) result.notScanned.push({ path: change.path, commit: change.commit, reason });
  if (scanned.found.length === 0) {
    if (key && scanned.unreadable.length === 0) await scanner.cache!.markClean(key);
    return [];
  }
  const known = new Set<string>();
  for (const pre of (before ?? '').split(',')) {
    if (!pre || isZeroOid(pre)) continue;
    for (const f of (await secretsIn(pre))?.found ?? []) known.add(f.Secret);
  }
  return scanned.found.filter((f) => !known.has(f.Secret));
}

async function processFiles(files: FileChange[], scanner: Scanner, result: ScanResult, infoFor: (oid: string) => Promise<CommitInfo>, objects: BlobSource): Promise<void> {
  for (const change of files) {
    result.stats.files++;
    const pathFindings = change.deleted ? [] : scanner.scanPath({ file: change.path, commit: change.commit });
    if (change.binary) {
      const found = change.deleted ? [] : await scanBinaryChange(change, scanner, result, objects);
      found.push(...pathFindings);
      if (found.length) result.findings.push(...(await withCommit(found, change, infoFor)));
      continue;
    }
    if (change.incomplete) {
      result.notScanned.push({ path: change.path, commit: change.commit, reason: change.incomplete });
      continue;
    }
    if (change.addedLines === 0 && pathFindings.length === 0) continue;
    const key = scanner.cache && change.blobs ? scanner.cacheKey(change.path, change.blobs) : null;
    let found: Finding[];
    if (key && (await scanner.cache!.isClean(key))) {
      result.stats.cacheHits++;
      found = [];
    } else {
      found = change.lineNumbers.length ? scanner.scanText(change.text, { file: change.path, commit: change.commit, lineNumbers: change.lineNumbers }) : [];
      if (key && found.length === 0) await scanner.cache!.markClean(key);
    }
    found.push(...pathFindings);
    if (found.length) result.findings.push(...(await withCommit(found, change, infoFor)));
  }
}

async function withCommit(findings: Finding[], change: FileChange, infoFor: (oid: string) => Promise<CommitInfo>): Promise<Finding[]> {
  const info = await infoFor(change.commit);
  return findings.map((f) => {
    // A member of an archive keeps its place inside the file ("a.zip!/conf/app.env").
    const file = f.File.startsWith(`${change.path}!/`) ? f.File : change.path;
    const out = { ...f, File: file, Commit: change.commit, Author: info.author, Email: info.email, Date: info.date, Message: info.message };
    out.Fingerprint = fingerprint(out);
    return out;
  });
}

function asMessageFinding(f: Finding): Finding {
  // A secret in a commit message has no file; gitleaks-style consumers still want a place.
  const out = { ...f, File: '(commit message)' };
  out.Fingerprint = fingerprint(out);
  return out;
}

async function scanTag(oid: string, catFile: CatFileBatch, scanner: Scanner, result: ScanResult): Promise<void> {
  const object = await catFile.get(oid);
  if (!object || object.type !== 'tag') return;
  const tag = parseTag(object.content);
  const findings = scanner.scanText(tag.message, { file: `(tag ${tag.tag})`, commit: tag.object, message: tag.message });
  for (const f of findings) f.Fingerprint = fingerprint(f);
  result.findings.push(...findings);
}

/** Annotated tag objects in a repository (for --all scans). */
export async function listTagObjects(repo: string, env: NodeJS.ProcessEnv): Promise<string[]> {
  const { stdout } = await runGit(['for-each-ref', '--format=%(objecttype) %(objectname)', 'refs/tags'], { cwd: repo, env });
  return stdout.split('\n').filter((l) => l.startsWith('tag ')).map((l) => l.slice(4));
}
