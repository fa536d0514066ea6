// npm run bench:accuracy: false positives on real code. Scans the latest published versions of the
// npm packages in test/fixtures/real-code/packages.json (fetched with npm pack into a cache outside
// the repository; --refresh asks the registry for the latest versions again) and lists every
// finding with the line it is on, the secret masked. Every finding here is a false alarm unless it
// is a documented test key or sample credential a package ships; a generic finding whose value is
// code (test/fixtures/real-code/scan.ts, codeShape) is marked CODE.
//
// GATEHOUSE_BIN runs another binary (e.g. bin/gatehouse, the sources) instead of dist/gatehouse.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { cacheDir, ensureRealCodeCorpus, textBytes } from '../test/fixtures/real-code/corpus.ts';
import { codeShape, maskedLine, scanRealCode } from '../test/fixtures/real-code/scan.ts';

const root = fileURLToPath(new URL('..', import.meta.url));
const binary = process.env.GATEHOUSE_BIN ?? join(root, 'dist/gatehouse');
const say = (m = ''): void => void process.stdout.write(`${m}\n`);
if (!existsSync(binary)) throw new Error(`${binary} is missing: npm run build`);

const corpus = ensureRealCodeCorpus({ refresh: process.argv.includes('--refresh'), log: say });
if (!corpus) {
  say(`no corpus: nothing is cached under ${cacheDir()} and the npm registry cannot be reached`);
  process.exit(2);
}
const { files, bytes } = textBytes(corpus.root);
const started = Date.now();
const { findings } = scanRealCode(binary, corpus);
const seconds = (Date.now() - started) / 1000;

say(`corpus: ${corpus.packages.length} npm packages (latest versions as cached in ${cacheDir()}), ${files} text files, ${(bytes / 1e6).toFixed(1)} MB`);
if (corpus.missing.length) say(`        not on the registry: ${corpus.missing.join(', ')}`);
say(`scan:   ${binary}, ${seconds.toFixed(1)} s`);
say();
const per100 = (n: number): string => ((n * 100e6) / bytes).toFixed(2);
const byRule = new Map<string, number>();
for (const f of findings) byRule.set(f.rule, (byRule.get(f.rule) ?? 0) + 1);
const generic = findings.filter((f) => f.rule.startsWith('generic-'));
const code = generic.filter((f) => codeShape(f) !== null);
say(`findings: ${findings.length} = ${per100(findings.length)} per 100 MB (generic rules: ${generic.length}; of them code-shaped: ${code.length})`);
for (const [rule, n] of [...byRule].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))) say(`  ${rule.padEnd(36)} ${String(n).padStart(5)}  ${per100(n)} per 100 MB`);
say();
for (const f of findings) {
  const shape = f.rule.startsWith('generic-') ? codeShape(f) : null;
  say(`${shape ? `CODE (${shape}) ` : ''}${f.rule}  ${f.pkg}/${f.path}:${f.line}`);
  say(`    | ${maskedLine(f)}`);
}
