// `gatehouse scan dir` and `scan -`, and the report formats, through the built binary.
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { assertBuilt, BINARY, run } from '../helpers/binary.ts';
import { GIT_ENV, TestRepo } from '../helpers/git.ts';
import { FAKE } from '../helpers/secrets.ts';
import { tempDir } from '../helpers/tmp.ts';

function env(home: string) {
  return { ...GIT_ENV, HOME: home, XDG_STATE_HOME: join(home, 'state') };
}

describe('scan dir and scan -', () => {
  before(assertBuilt);

  it('scans files, respects .gitignore outside git, skips binaries, and --no-gitignore scans all', async (t) => {
    const dir = tempDir(t);
    mkdirSync(join(dir, 'sub'));
    writeFileSync(join(dir, '.gitignore'), 'ignored.txt\n');
    writeFileSync(join(dir, 'sub/app.env'), `TOKEN=${FAKE.githubPat()}\n`);
    writeFileSync(join(dir, 'ignored.txt'), `${FAKE.githubApp}\n`);
    writeFileSync(join(dir, 'image.bin'), Buffer.from([0, 0, 1, ...Buffer.from(FAKE.githubOauth)]));
    const home = tempDir(t);
    const respected = await run(BINARY, ['scan', 'dir', '.', '--json', '--no-redact'], { env: env(home), cwd: dir });
    assert.equal(respected.code, 1, respected.stderr);
    const files = (JSON.parse(respected.stdout) as Array<{ File: string; RuleID: string }>).filter((f) => f.RuleID.startsWith('github')).map((f) => f.File).sort();
    assert.deepEqual(files, ['image.bin', 'sub/app.env']);
    const all = await run(BINARY, ['scan', 'dir', '.', '--json', '--no-gitignore'], { env: env(home), cwd: dir });
    const allFiles = (JSON.parse(all.stdout) as Array<{ File: string; RuleID: string }>).filter((f) => f.RuleID.startsWith('github')).map((f) => f.File).sort();
    assert.deepEqual(allFiles, ['ignored.txt', 'image.bin', 'sub/app.env']);
    // A binary file is read for its printable strings, as the gate reads a pushed blob.
    const binary = (JSON.parse(all.stdout) as Array<{ File: string; RuleID: string; StartLine: number }>).find((f) => f.File === 'image.bin')!;
    assert.equal(binary.RuleID, 'github-oauth');
  });

  it('inside a git work tree, uses git to list files (tracked and untracked, ignores respected)', async (t) => {
    const repo = new TestRepo(tempDir(t));
    repo.commit('init', { '.gitignore': 'secret.log\n', 'tracked.txt': 'clean\n' });
    repo.write('untracked.txt', `${FAKE.githubPat(1)}\n`);
    repo.write('secret.log', `${FAKE.githubPat(2)}\n`);
    const home = tempDir(t);
    const result = await run(BINARY, ['scan', 'dir', '--json'], { env: env(home), cwd: repo.dir });
    const files = (JSON.parse(result.stdout) as Array<{ File: string; RuleID: string }>).filter((f) => f.RuleID.startsWith('github')).map((f) => f.File);
    assert.deepEqual(files, ['untracked.txt']);
  });

  it('skips and lists a binary over the default size limit, as gitleaks does (exit 0/1); a limit given with --max-file-size is strict', async (t) => {
    const dir = tempDir(t);
    const home = tempDir(t);
    mkdirSync(join(home, 'config/gatehouse'), { recursive: true });
    writeFileSync(join(home, 'config/gatehouse/gatehouse.toml'), '[scan]\nmax_file_size = 4096\n');
    const withConfig = { ...env(home), XDG_CONFIG_HOME: join(home, 'config') };
    writeFileSync(join(dir, 'clean.txt'), 'nothing here\n');
    writeFileSync(join(dir, 'model.bin'), Buffer.concat([Buffer.from([0, 1, 2]), Buffer.alloc(8189, 7)]));
    const clean = await run(BINARY, ['scan', 'dir', '.'], { env: withConfig, cwd: dir });
    assert.equal(clean.code, 0, clean.stdout + clean.stderr);
    assert.match(clean.stdout, /skipped: model\.bin: binary file of 8192 bytes, over the 4096-byte limit \(as gitleaks skips it\); --max-file-size BYTES scans it/);
    assert.doesNotMatch(clean.stdout, /NOT scanned/);

    writeFileSync(join(dir, 'app.env'), `TOKEN=${FAKE.githubPat()}\n`);
    const found = await run(BINARY, ['scan', 'dir', '.', '--json'], { env: withConfig, cwd: dir });
    assert.equal(found.code, 1, found.stderr);
    assert.match(found.stderr, /gatehouse: skipped: model\.bin: binary file of 8192 bytes/);

    const strict = await run(BINARY, ['scan', 'dir', '.', '--max-file-size', '4096'], { env: withConfig, cwd: dir });
    assert.equal(strict.code, 2, strict.stdout);
    assert.match(strict.stdout, /not scanned: model\.bin: file is 8192 bytes, over the 4096-byte limit/);

    // A large text file is never skipped: it may hold the secret.
    writeFileSync(join(dir, 'dump.sql'), 'x'.repeat(5000));
    const text = await run(BINARY, ['scan', 'dir', '.'], { env: withConfig, cwd: dir });
    assert.equal(text.code, 2, text.stdout);
    assert.match(text.stdout, /not scanned: dump\.sql: file is 5000 bytes/);
  });

  it('a folder named on the command line that .gitignore leaves out is reported, with how to include it', async (t) => {
    const repo = new TestRepo(tempDir(t));
    repo.commit('init', { '.gitignore': 'node_modules/\n', 'index.js': 'clean\n' });
    repo.write('node_modules/pkg/config.js', `module.exports = { token: '${FAKE.githubPat(4)}' };\n`);
    const home = tempDir(t);
    const ignored = await run(BINARY, ['scan', 'dir', 'node_modules'], { env: env(home), cwd: repo.dir });
    assert.equal(ignored.code, 2, ignored.stdout + ignored.stderr);
    assert.match(ignored.stdout, /not scanned: node_modules: ignored by \.gitignore, so nothing in it was scanned; --no-gitignore scans it/);
    const included = await run(BINARY, ['scan', 'dir', 'node_modules', '--no-gitignore'], { env: env(home), cwd: repo.dir });
    // Scanned now (the built-in rules, like gitleaks', allowlist node_modules paths themselves).
    assert.equal(included.code, 0, included.stdout + included.stderr);
    assert.match(included.stdout, /^0 findings; scanned 1 files,/m);
    assert.doesNotMatch(included.stdout, /not scanned/);
  });

  it('reports a file over the size limit as not scanned (exit 2)', async (t) => {
    const dir = tempDir(t);
    writeFileSync(join(dir, 'big.txt'), 'y'.repeat(4096));
    const result = await run(BINARY, ['scan', 'dir', '.', '--max-file-size', '1024'], { env: env(tempDir(t)), cwd: dir });
    assert.equal(result.code, 2);
    assert.match(result.stdout, /not scanned: big\.txt: file is 4096 bytes, over the 1024-byte limit/);
  });

  it('scans standard input', async (t) => {
    const home = tempDir(t);
    const found = await run(BINARY, ['scan', '-', '--json'], { env: env(home), input: `export GH=${FAKE.githubPat()}\n` });
    assert.equal(found.code, 1);
    assert.equal((JSON.parse(found.stdout) as Array<{ RuleID: string }>)[0]?.RuleID, 'github-pat');
    const clean = await run(BINARY, ['scan', '-'], { env: env(home), input: 'nothing to see\n' });
    assert.equal(clean.code, 0);
    assert.match(clean.stdout, /0 findings/);
  });

  it('redacts by default, partially with --redact=PCT, never with --no-redact; --exit-code changes the code', async (t) => {
    const home = tempDir(t);
    const input = `token: ${FAKE.githubPat()}\n`;
    const redacted = await run(BINARY, ['scan', '-'], { env: env(home), input });
    assert.equal(redacted.stdout.includes(FAKE.githubPat()), false);
    assert.equal(redacted.stdout.includes(FAKE.githubPat().slice(0, 10)), false);
    const half = await run(BINARY, ['scan', '-', '--redact', '50', '--json'], { env: env(home), input });
    const secret = (JSON.parse(half.stdout) as Array<{ Secret: string }>)[0]!.Secret;
    assert.equal(secret, `${FAKE.githubPat().slice(0, 20)}...`);
    const shown = await run(BINARY, ['scan', '-', '--no-redact', '--exit-code', '7'], { env: env(home), input });
    assert.equal(shown.code, 7);
    assert.ok(shown.stdout.includes(FAKE.githubPat()));
  });

  it('writes SARIF, JUnit and CSV reports to --report-path (0600)', async (t) => {
    const home = tempDir(t);
    const input = `token: ${FAKE.githubPat()}\n`;
    const sarifPath = join(home, 'r.sarif');
    const sarifRun = await run(BINARY, ['scan', '-', '--format', 'sarif', '--report-path', sarifPath], { env: env(home), input });
    assert.equal(sarifRun.code, 1);
    assert.match(sarifRun.stderr, /finding\(s\) written to/);
    assert.equal(statSync(sarifPath).mode & 0o777, 0o600);
    const sarif = JSON.parse(readFileSync(sarifPath, 'utf8'));
    assert.equal(sarif.version, '2.1.0');
    const result = sarif.runs[0].results.find((r: { ruleId: string }) => r.ruleId === 'github-pat');
    assert.ok(result);
    assert.equal(result.locations[0].physicalLocation.region.startLine, 1);
    assert.ok(sarif.runs[0].tool.driver.rules.some((r: { id: string }) => r.id === 'github-pat'));

    const junit = await run(BINARY, ['scan', '-', '--format', 'junit'], { env: env(home), input });
    assert.match(junit.stdout, /<testsuite name="gatehouse" tests="\d+" failures="\d+" errors="0"/);
    assert.match(junit.stdout, /<failure message="GitHub personal access token \(classic\)" type="github-pat">/);
    const csv = await run(BINARY, ['scan', '-', '--format', 'csv'], { env: env(home), input });
    assert.match(csv.stdout.split('\n')[0]!, /^RuleID,Commit,File,SymlinkFile,Secret,Match,StartLine/);
    assert.match(csv.stdout, /\ngithub-pat,/);
  });

  it('leaves out findings in a baseline, a .gitleaksignore, or on a gitleaks:allow line', async (t) => {
    const dir = tempDir(t);
    const home = tempDir(t);
    writeFileSync(join(dir, 'a.env'), `A=${FAKE.githubPat(1)}\n`);
    writeFileSync(join(dir, 'b.env'), `B=${FAKE.githubPat(2)}\n`);
    writeFileSync(join(dir, 'c.env'), `C=${FAKE.githubPat(3)} # gitleaks:allow\n`);
    const githubOnly = (stdout: string) => (JSON.parse(stdout) as Array<{ File: string; RuleID: string; Fingerprint: string }>).filter((f) => f.RuleID.startsWith('github'));
    const first = githubOnly((await run(BINARY, ['scan', 'dir', '.', '--json'], { env: env(home), cwd: dir })).stdout);
    assert.deepEqual(first.map((f) => f.File).sort(), ['a.env', 'b.env']);
    const reported = githubOnly((await run(BINARY, ['scan', 'dir', '.', '--json', '--no-inline-allow'], { env: env(home), cwd: dir })).stdout);
    assert.deepEqual(reported.map((f) => f.File).sort(), ['a.env', 'b.env', 'c.env']);
    writeFileSync(join(dir, '.gitleaksignore'), `# known\n${first.find((f) => f.File === 'a.env')!.Fingerprint}\n`);
    const ignored = githubOnly((await run(BINARY, ['scan', 'dir', '.', '--json'], { env: env(home), cwd: dir })).stdout);
    assert.deepEqual(ignored.map((f) => f.File), ['b.env']);
    const baseline = join(home, 'baseline.json');
    await run(BINARY, ['scan', 'dir', '.', '--json', '--report-path', baseline], { env: env(home), cwd: dir });
    const afterBaseline = await run(BINARY, ['scan', 'dir', '.', '--json', '--baseline-path', baseline], { env: env(home), cwd: dir });
    assert.equal(afterBaseline.code, 0, afterBaseline.stdout);
  });

  it('uses --rules, and a .gitleaks.toml at the target, instead of the built-in rules', async (t) => {
    const dir = tempDir(t);
    const home = tempDir(t);
    writeFileSync(join(dir, 'x.txt'), 'team_secret=ts_12345678\n');
    writeFileSync(join(home, 'team.toml'), `[[rules]]\nid = "team"\nregex = '''ts_[0-9]{8}'''\nkeywords = ["ts_"]\n`);
    const explicit = await run(BINARY, ['scan', 'dir', '.', '--json', '--rules', join(home, 'team.toml')], { env: env(home), cwd: dir });
    assert.deepEqual((JSON.parse(explicit.stdout) as Array<{ RuleID: string }>).map((f) => f.RuleID), ['team']);
    writeFileSync(join(dir, '.gitleaks.toml'), readFileSync(join(home, 'team.toml')));
    const local = await run(BINARY, ['scan', 'dir', '.', '--json'], { env: env(home), cwd: dir });
    assert.deepEqual((JSON.parse(local.stdout) as Array<{ RuleID: string }>).map((f) => f.RuleID), ['team']);
    const broken = join(home, 'broken.toml');
    writeFileSync(broken, '[[rules]]\nid = "x"\nregex = "y"\nwat = 1\n');
    const refused = await run(BINARY, ['scan', 'dir', '.', '--rules', broken], { env: env(home), cwd: dir });
    assert.equal(refused.code, 2);
    assert.match(refused.stderr, /broken\.toml: rules\[0\]\.wat: unknown key/);
  });
});
