// Extracts the true- and false-positive samples of gitleaks' built-in rules from its rule
// generators (cmd/generate/config/rules/*.go in github.com/gitleaks/gitleaks, MIT licensed),
// by running the generator functions in go-eval.ts: no Go toolchain, and nothing of gitleaks is
// built. Generated secrets come from a seeded generator, so the output is deterministic for a
// given gitleaks commit.
//
//   node scripts/gitleaks-samples/extract.ts [--from <gitleaks work tree or git dir>] [--out <dir>]
//
// --from defaults to $GITLEAKS_REPO (or the mirror); --out to the committed fixture
// test/unit/gitleaks-samples.test.ts reads (test/fixtures/gitleaks-samples/, see fixture.ts), which
// keeps gitleaks' license notice beside the samples.
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { GoMap, GoStruct, Interpreter, parseGo, UNKNOWN, Unsupported, type GoFile, type Value } from './go-eval.ts';
import { SAMPLES_FIXTURE_DIR, writeSamplesFixture } from './fixture.ts';
import { generate, seededRandom } from './reggen.ts';

export type Sample = string | { path: string; text: string };

export interface RuleSamples {
  id: string;
  file: string;
  function: string;
  tps: Sample[];
  fps: Sample[];
  /** Why the samples could not be (wholly) extracted. */
  error?: string;
}

/** Bumped when extraction changes, so a cached extraction from an older version is made again. */
export const EXTRACTOR_VERSION = 2;

export interface GitleaksSamples {
  extractorVersion: number;
  source: string;
  commit: string;
  license: string;
  extractedBy: string;
  rules: RuleSamples[];
}

/** The places a gitleaks checkout may be found on this machine, first one that exists. */
export function findGitleaks(env: NodeJS.ProcessEnv = process.env): string | null {
  const candidates = [env.GITLEAKS_REPO, '/work/.mirror/gitleaks+gitleaks/repo'].filter((c): c is string => Boolean(c));
  return candidates.find((c) => existsSync(c)) ?? null;
}

interface Source {
  commit: string;
  list(dir: string): string[];
  read(path: string): string;
}

function openSource(from: string): Source {
  if (existsSync(join(from, 'cmd/generate/config/rules')) && statSync(join(from, 'cmd/generate/config/rules')).isDirectory()) {
    let commit = 'unknown';
    try {
      commit = execFileSync('git', ['-C', from, 'rev-parse', 'HEAD'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    } catch {
      // not a git work tree
    }
    return { commit, list: (dir) => readdirSync(join(from, dir)).map((f) => `${dir}/${f}`), read: (path) => readFileSync(join(from, path), 'utf8') };
  }
  const git = (args: string[]): string => execFileSync('git', ['--git-dir', from, ...args], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  const commit = git(['rev-parse', 'HEAD']).trim();
  return { commit, list: (dir) => git(['ls-tree', '--name-only', `${commit}:${dir}`]).split('\n').filter(Boolean).map((f) => `${dir}/${f}`), read: (path) => git(['show', `${commit}:${path}`]) };
}

function str(v: Value, what: string): string {
  if (typeof v !== 'string') throw new Unsupported(`${what} is not a string`);
  return v;
}

function sprintf(format: string, args: Value[]): string {
  let i = 0;
  return format.replace(/%([-+# 0]*\d*(?:\.\d+)?)([svdqx%])/g, (_, _flags: string, verb: string) => {
    if (verb === '%') return '%';
    const v = args[i++];
    if (v === UNKNOWN || v === undefined) throw new Unsupported('fmt.Sprintf of an unknown value');
    if (verb === 'q') return JSON.stringify(v);
    if (verb === 'x') return Buffer.from(String(v)).toString('hex');
    return String(v);
  });
}

const b64 = (encoding: 'base64' | 'base64url', pad: boolean) => (args: Value[]): Value => {
  const out = Buffer.from(str(args[0] ?? null, 'EncodeToString input'), 'latin1').toString(encoding);
  return pad ? out + (encoding === 'base64url' ? '='.repeat((4 - (out.length % 4)) % 4) : '') : out.replace(/=+$/, '');
};

function samplesOf(v: Value, what: string): Sample[] {
  if (v === null) return [];
  if (Array.isArray(v)) return v.map((s, i) => str(s, `${what}[${i}]`));
  if (v instanceof GoMap) return v.entries.map(([path, text]) => ({ path: str(path, `${what} path`), text: str(text, `${what} text`) }));
  throw new Unsupported(`${what} is not a list or map of strings`);
}

export function extractSamples(from: string): GitleaksSamples {
  const source = openSource(from);
  const random = seededRandom(0x9e3779b9);
  const parse = (path: string): GoFile => {
    try {
      return parseGo(source.read(path));
    } catch (error) {
      throw new Error(`${path}: ${(error as Error).message}`);
    }
  };
  const load = (dir: string): GoFile[] => source.list(dir).filter((p) => p.endsWith('.go') && !p.endsWith('_test.go')).map(parse);
  const NOT_RUN = new Set(['Validate', 'ValidateWithPaths', 'GenerateSemiGenericRegex', 'GenerateUniqueTokenRegex', 'MergeRegexps']);

  const library: Record<string, (args: Value[]) => Value> = {
    'secrets.NewSecret': (args) => generate(str(args[0] ?? null, 'secrets.NewSecret regex'), random),
    'fmt.Sprintf': ([format, ...rest]) => sprintf(str(format ?? null, 'format'), rest),
    'strings.Repeat': ([s, n]) => str(s ?? null, 'strings.Repeat').repeat(Number(n)),
    'strings.ToUpper': ([s]) => str(s ?? null, 'strings.ToUpper').toUpperCase(),
    'strings.ToLower': ([s]) => str(s ?? null, 'strings.ToLower').toLowerCase(),
    'strings.Join': ([list, sep]) => (list as Value[]).map((x) => str(x, 'strings.Join')).join(str(sep ?? null, 'sep')),
    'strings.NewReplacer': (pairs) =>
      new GoStruct('strings.Replacer', new Map<string, Value>([[
        'Replace',
        {
          builtin: ([s]) => {
            let out = '';
            const text = str(s ?? null, 'Replace');
            // Replacements are tried at each position in argument order, as strings.Replacer does.
            for (let i = 0; i < text.length; ) {
              let hit = false;
              for (let k = 0; k < pairs.length; k += 2) {
                const old = str(pairs[k]!, 'old');
                if (old && text.startsWith(old, i)) {
                  out += str(pairs[k + 1]!, 'new');
                  i += old.length;
                  hit = true;
                  break;
                }
              }
              if (!hit) out += text[i++];
            }
            return out;
          },
        },
      ]])),
    make: () => [],
    'regexp.MustCompile': ([s]) => s ?? UNKNOWN,
    'b64.StdEncoding.EncodeToString': b64('base64', true),
    'b64.RawStdEncoding.EncodeToString': b64('base64', false),
    'b64.URLEncoding.EncodeToString': b64('base64url', true),
    'b64.RawURLEncoding.EncodeToString': b64('base64url', false),
    'base64.StdEncoding.EncodeToString': b64('base64', true),
    'base64.RawStdEncoding.EncodeToString': b64('base64', false),
    'base64.URLEncoding.EncodeToString': b64('base64url', true),
    'base64.RawURLEncoding.EncodeToString': b64('base64url', false),
  };
  const utils = new Interpreter(load('cmd/generate/config/utils'), library, {});
  let validated: { rule: Value; tps: Value; fps: Value } | null = null;
  const rulesLibrary: Record<string, (args: Value[]) => Value> = { ...library };
  for (const fn of utils.functions()) {
    rulesLibrary[`utils.${fn.name}`] = NOT_RUN.has(fn.name) ? () => UNKNOWN : (args) => utils.call(fn.name, args)[0] ?? null;
  }
  rulesLibrary['utils.Validate'] = rulesLibrary['utils.ValidateWithPaths'] = ([rule, tps, fps]) => {
    validated = { rule: rule ?? null, tps: tps ?? null, fps: fps ?? null };
    return rule ?? null;
  };

  const files = source.list('cmd/generate/config/rules').filter((p) => p.endsWith('.go') && !p.endsWith('_test.go'));
  const parsed = files.map((p) => ({ path: p, go: parse(p) }));
  let rules: Interpreter;
  const natives = {
    // generic.go's helper: a secret with a digit and no stop word (its endless retry loop, here bounded).
    newPlausibleSecret: ([regex]: Value[]): Value => {
      const stopwords = rules.global('DefaultStopWords');
      const words = Array.isArray(stopwords) ? stopwords.map((w) => String(w).toLowerCase()) : [];
      for (let attempt = 0; attempt < 10_000; attempt++) {
        const secret = generate(str(regex ?? null, 'regex'), random);
        if (/[1-9]/.test(secret) && !words.some((w) => secret.toLowerCase().includes(w))) return secret;
      }
      throw new Unsupported('newPlausibleSecret found no secret');
    },
  };
  rules = new Interpreter(parsed.map((f) => f.go), rulesLibrary, natives);

  // Only the rules gitleaks' config is made of: those main.go registers (a few files define more).
  const registered = new Set([...source.read('cmd/generate/config/main.go').matchAll(/\brules\.(\w+)\(\)/g)].map((m) => m[1]!));
  const out: RuleSamples[] = [];
  for (const { path, go } of parsed) {
    for (const fn of go.funcs) {
      if (fn.result !== '*config.Rule' || !registered.has(fn.name)) continue;
      validated = null;
      const entry: RuleSamples = { id: '', file: path.split('/').pop()!, function: fn.name, tps: [], fps: [] };
      try {
        const [rule] = rules.call(fn.name, []);
        const id = rule instanceof GoStruct ? rule.fields.get('RuleID') : undefined;
        entry.id = typeof id === 'string' ? id : '';
        const v = validated as { rule: Value; tps: Value; fps: Value } | null;
        if (!v) throw new Unsupported('returned without utils.Validate');
        entry.tps = samplesOf(v.tps, 'tps');
        entry.fps = samplesOf(v.fps, 'fps');
      } catch (error) {
        entry.error = (error as Error).message;
      }
      out.push(entry);
    }
  }
  out.sort((a, b) => a.id.localeCompare(b.id) || a.function.localeCompare(b.function));
  let license = '';
  try {
    license = source.read('LICENSE');
  } catch {
    license = 'MIT License, Copyright (c) 2019 Zachary Rice (see github.com/gitleaks/gitleaks/blob/master/LICENSE)';
  }
  return {
    extractorVersion: EXTRACTOR_VERSION,
    source: 'https://github.com/gitleaks/gitleaks cmd/generate/config/rules/*.go',
    commit: source.commit,
    license,
    extractedBy: 'gatehouse scripts/gitleaks-samples/extract.ts (generated secrets are seeded random values: fake)',
    rules: out,
  };
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const arg = (name: string): string | undefined => {
    const i = process.argv.indexOf(name);
    return i === -1 ? undefined : process.argv[i + 1];
  };
  const from = arg('--from') ?? findGitleaks();
  if (!from) {
    process.stderr.write('no gitleaks checkout: pass --from DIR or set GITLEAKS_REPO\n');
    process.exit(2);
  }
  const dir = arg('--out') ?? SAMPLES_FIXTURE_DIR;
  const samples = extractSamples(from);
  writeSamplesFixture(samples, dir);
  const tps = samples.rules.reduce((n, r) => n + r.tps.length, 0);
  const fps = samples.rules.reduce((n, r) => n + r.fps.length, 0);
  const failed = samples.rules.filter((r) => r.error);
  process.stdout.write(`${samples.rules.length} rules, ${tps} true and ${fps} false samples from gitleaks ${samples.commit.slice(0, 12)} -> ${dir}\n`);
  for (const r of failed) process.stdout.write(`  ${r.id || '?'} (${r.file} ${r.function}): ${r.error}\n`);
}
