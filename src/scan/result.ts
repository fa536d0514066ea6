// What a scan returns: findings, what it could not scan and why, and counts for the report.
import type { Finding } from './finding.ts';

export interface NotScanned {
  path: string;
  commit: string;
  reason: string;
}

export interface ScanStats {
  commits: number;
  files: number;
  bytes: number;
  binarySkipped: number;
  cacheHits: number;
  durationMs: number;
}

export interface ScanResult {
  findings: Finding[];
  notScanned: NotScanned[];
  /** Left out by policy and listed (scan dir: binaries over the default size limit, as gitleaks does); no effect on the exit code. */
  skipped?: NotScanned[];
  stats: ScanStats;
}

export function emptyStats(): ScanStats {
  return { commits: 0, files: 0, bytes: 0, binarySkipped: 0, cacheHits: 0, durationMs: 0 };
}

export interface ScanProgress {
  /** Called now and then with how far the scan is. */
  update(done: { commits: number; bytes: number; total: number | null }): void;
  stop(): void;
}
