// gitleaks' own rule samples (committed in test/fixtures/gitleaks-samples/, extracted by
// scripts/gitleaks-samples/extract.ts) measured against a ruleset: which true positives a specific
// rule finds, which false positives anything flags.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { findGitleaks, type GitleaksSamples, type Sample } from '../../scripts/gitleaks-samples/extract.ts';
import { readSamplesFixture } from '../../scripts/gitleaks-samples/fixture.ts';
import type { Detector, RawFinding } from '../../src/scan/detector.ts';

/** The committed samples. */
export function loadGitleaksSamples(): GitleaksSamples {
  return readSamplesFixture();
}

/** gitleaks' own config (config/gitleaks.toml) in the checkout, if there is one. */
export function gitleaksConfigText(): string | null {
  const checkout = findGitleaks();
  if (!checkout) return null;
  if (existsSync(join(checkout, 'config/gitleaks.toml'))) return readFileSync(join(checkout, 'config/gitleaks.toml'), 'utf8');
  try {
    // A bare repository (the mirror): read it from HEAD.
    return execGit(checkout, ['show', 'HEAD:config/gitleaks.toml']);
  } catch {
    return null;
  }
}

function execGit(gitDir: string, args: string[]): string {
  return execFileSync('git', ['--git-dir', gitDir, ...args], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024, stdio: ['ignore', 'pipe', 'ignore'] });
}

const textOf = (s: Sample): string => (typeof s === 'string' ? s : s.text);
const pathOf = (s: Sample): string => (typeof s === 'string' ? 'config/settings.env' : s.path);

export function scanSample(detector: Detector, s: Sample): RawFinding[] {
  return [...detector.scanPath(pathOf(s), ''), ...detector.scan({ text: textOf(s), path: pathOf(s), commit: '' })];
}

export interface Miss {
  gitleaksRule: string;
  sample: string;
  /** Rules that did report it (generic ones, when a specific one was wanted). */
  foundBy: string[];
}

export interface Measurement {
  tps: number;
  /** True positives a rule counted as specific reported (for gitleaks' generic rules' samples: any rule). */
  tpsFound: number;
  tpsFoundAny: number;
  misses: Miss[];
  fps: number;
  fpsFlagged: Array<{ gitleaksRule: string; sample: string; by: string[] }>;
}

export function measure(samples: GitleaksSamples, detector: Detector, isSpecific: (ruleId: string) => boolean): Measurement {
  const m: Measurement = { tps: 0, tpsFound: 0, tpsFoundAny: 0, misses: [], fps: 0, fpsFlagged: [] };
  for (const rule of samples.rules) {
    const genericSample = rule.id.startsWith('generic');
    for (const s of rule.tps) {
      m.tps++;
      const by = [...new Set(scanSample(detector, s).map((f) => f.rule.id))];
      if (by.length) m.tpsFoundAny++;
      if (by.some((id) => genericSample || isSpecific(id))) m.tpsFound++;
      else m.misses.push({ gitleaksRule: rule.id, sample: textOf(s), foundBy: by });
    }
    for (const s of rule.fps) {
      m.fps++;
      const by = [...new Set(scanSample(detector, s).map((f) => f.rule.id))];
      if (by.length) m.fpsFlagged.push({ gitleaksRule: rule.id, sample: textOf(s), by });
    }
  }
  return m;
}
