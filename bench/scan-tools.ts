// Running the scanners for `npm run bench:scan` (wall time, peak RSS, a time limit) and reading
// their outputs, streamed, to see which planted secrets each found.
import { spawn } from 'node:child_process';
import { closeSync, createReadStream, existsSync, openSync, readFileSync, rmSync } from 'node:fs';
import { createInterface } from 'node:readline';
import type { PlantedSecret } from './scan-corpus.ts';

export const GNU_TIME = '/usr/bin/time';

export interface Run {
  ms: number;
  /** Peak resident set size in KiB (the largest process of the run), when GNU time is there. */
  rssKb: number | null;
  code: number | null;
  timedOut: boolean;
}

export interface RunSpec {
  file: string;
  args: string[];
  cwd: string;
  env: NodeJS.ProcessEnv;
  /** Where stdout and stderr go (files, overwritten each run). */
  stdout: string;
  stderr: string;
  timeoutMs: number;
}

/** Runs one command under GNU time (peak RSS), in its own process group so a timeout kills it all. */
export function runMeasured(spec: RunSpec): Promise<Run> {
  const rssFile = `${spec.stderr}.rss`;
  rmSync(rssFile, { force: true });
  const haveTime = existsSync(GNU_TIME);
  const file = haveTime ? GNU_TIME : spec.file;
  const args = haveTime ? ['-f', '%M', '-o', rssFile, spec.file, ...spec.args] : spec.args;
  const out = openSync(spec.stdout, 'w');
  const err = openSync(spec.stderr, 'w');
  return new Promise((resolve, reject) => {
    const start = process.hrtime.bigint();
    const child = spawn(file, args, { cwd: spec.cwd, env: spec.env, stdio: ['ignore', out, err], detached: true });
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      try {
        process.kill(-child.pid!, 'SIGKILL');
      } catch {
        // already gone
      }
    }, spec.timeoutMs);
    child.on('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    child.on('close', (code) => {
      const ms = Number(process.hrtime.bigint() - start) / 1e6;
      clearTimeout(timer);
      closeSync(out);
      closeSync(err);
      let rssKb: number | null = null;
      if (haveTime && existsSync(rssFile)) {
        // GNU time writes "Command exited with non-zero status N" before the format's line.
        const last = readFileSync(rssFile, 'utf8').trim().split('\n').at(-1) ?? '';
        rssKb = /^\d+$/.test(last) ? Number(last) : null;
      }
      resolve({ ms, rssKb, code, timedOut });
    });
  });
}

export async function* lines(path: string): AsyncGenerator<string> {
  if (!existsSync(path)) return;
  const rl = createInterface({ input: createReadStream(path), crlfDelay: Infinity });
  for await (const line of rl) yield line;
}

export function tail(path: string, n = 5): string {
  if (!existsSync(path)) return '';
  const text = readFileSync(path, 'utf8');
  return text.trim().split('\n').slice(-n).join('\n');
}

/** One reported finding, reduced to what matching needs. */
export interface Reported {
  rule: string;
  commit: string;
  path: string;
  startLine: number;
  endLine: number;
  secret?: string;
}

export interface Findings {
  found: Set<string>;
  total: number;
  /** Findings that are not a planted secret, by rule id. */
  others: Map<string, number>;
  otherCount: number;
  /** A planted secret reported again at a later commit (whole-file scanners see it in every later version they scan). */
  repeats: number;
}

/**
 * A tool found a planted secret when it reports the planted file at the planted commit, on a line
 * the secret occupies (or, when it prints the secret, a value overlapping it).
 */
export function matchPlanted(planted: PlantedSecret[], r: Reported): PlantedSecret | undefined {
  return planted.find((p) => {
    if (p.commit !== r.commit || p.path !== r.path) return false;
    if (r.startLine <= p.endLine && r.endLine >= p.line) return true;
    return !!r.secret && r.secret.length >= 8 && (p.value.includes(r.secret) || r.secret.includes(p.value));
  });
}

export async function collect(planted: PlantedSecret[], reports: AsyncIterable<Reported>): Promise<Findings> {
  const result: Findings = { found: new Set(), total: 0, others: new Map(), otherCount: 0, repeats: 0 };
  for await (const r of reports) {
    result.total++;
    const hit = matchPlanted(planted, r);
    if (hit) {
      result.found.add(hit.id);
    } else if (planted.some((p) => p.path === r.path && r.startLine <= p.endLine && r.endLine >= p.line)) {
      result.repeats++;
    } else {
      result.otherCount++;
      result.others.set(r.rule, (result.others.get(r.rule) ?? 0) + 1);
    }
  }
  return result;
}

/** gatehouse --json: JSON.stringify(findings, null, 1), so one finding is the lines from " {" to " }". */
export async function* gatehouseReports(path: string): AsyncGenerator<Reported> {
  let buffer: string[] | null = null;
  for await (const line of lines(path)) {
    if (line === ' {') buffer = ['{'];
    else if (buffer && (line === ' }' || line === ' },')) {
      buffer.push('}');
      const f = JSON.parse(buffer.join('\n')) as { RuleID: string; Commit: string; File: string; StartLine: number; EndLine: number; Secret?: string };
      buffer = null;
      yield { rule: f.RuleID, commit: f.Commit, path: f.File, startLine: f.StartLine, endLine: f.EndLine || f.StartLine, secret: f.Secret };
    } else if (buffer) buffer.push(line);
  }
}

/** secretlint --format unix: "<root>/<nnnn>-<commit>/<path>:<line>:<col>: message [Error/preset > rule]". */
export async function* secretlintReports(path: string, root: string): AsyncGenerator<Reported> {
  const prefix = root.endsWith('/') ? root : `${root}/`;
  for await (const line of lines(path)) {
    if (!line.startsWith(prefix)) continue;
    const m = /^\d{4}-([0-9a-f]{40})\/(.+?):(\d+):(\d+): (.*)$/.exec(line.slice(prefix.length));
    if (!m) continue;
    const rule = /\[[A-Za-z]+\/(?:.* > )?(?:@secretlint\/secretlint-rule-)?([^\]]+)\]$/.exec(m[5]!)?.[1] ?? 'unknown';
    yield { rule, commit: m[1]!, path: m[2]!, startLine: Number(m[3]), endLine: Number(m[3]) };
  }
}

/** git secrets --scan-history prints git grep's "<commit>:<path>:<line>:<text>" on stderr. */
export async function* gitSecretsReports(path: string): AsyncGenerator<Reported> {
  for await (const line of lines(path)) {
    const m = /^([0-9a-f]{40}):(.+?):(\d+):/.exec(line);
    if (!m) continue;
    const text = line.slice(m[0].length);
    const rule = /\bA(?:KIA|SIA|3T|GPA|IDA|ROA|IPA|NPA|NVA)/.test(text) ? 'aws-access-key-id' : /account/i.test(text) ? 'aws-account-id' : 'aws-secret-key';
    yield { rule, commit: m[1]!, path: m[2]!, startLine: Number(m[3]), endLine: Number(m[3]) };
  }
}
