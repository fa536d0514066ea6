// The committed copy of gitleaks' rule samples (test/fixtures/gitleaks-samples/): a LICENSE with
// gitleaks' MIT notice, source.json (where and from which gitleaks commit) and samples.jsonl, one
// line per gitleaks rule with its true and false samples. Compact, and a diff after a new
// extraction shows which rules' samples changed.
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { GitleaksSamples, RuleSamples } from './extract.ts';

export const SAMPLES_FIXTURE_DIR = fileURLToPath(new URL('../../test/fixtures/gitleaks-samples/', import.meta.url));

type Source = Omit<GitleaksSamples, 'license' | 'rules'>;

export function writeSamplesFixture(samples: GitleaksSamples, dir: string = SAMPLES_FIXTURE_DIR): void {
  mkdirSync(dir, { recursive: true });
  const { license, rules, ...source } = samples;
  const put = (name: string, text: string): void => {
    writeFileSync(join(dir, `${name}.tmp`), text);
    renameSync(join(dir, `${name}.tmp`), join(dir, name));
  };
  put('LICENSE', license.endsWith('\n') ? license : `${license}\n`);
  put('source.json', `${JSON.stringify(source, null, 2)}\n`);
  put('samples.jsonl', rules.map((r) => `${JSON.stringify(r)}\n`).join(''));
}

export function readSamplesFixture(dir: string = SAMPLES_FIXTURE_DIR): GitleaksSamples {
  const source = JSON.parse(readFileSync(join(dir, 'source.json'), 'utf8')) as Source;
  const license = readFileSync(join(dir, 'LICENSE'), 'utf8');
  const rules = readFileSync(join(dir, 'samples.jsonl'), 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as RuleSamples);
  return { ...source, license, rules };
}
