// `gatehouse scan git` over real repositories: every place history can hide a secret.
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';
import { assertBuilt, BINARY, run } from '../helpers/binary.ts';
import { TestRepo, GIT_ENV } from '../helpers/git.ts';
import { FAKE } from '../helpers/secrets.ts';
import { tempDir } from '../helpers/tmp.ts';

interface JsonFinding {
  RuleID: string;
  File: string;
  Commit: string;
  StartLine: number;
  StartColumn: number;
  Secret: string;
  Message: string;
  Author: string;
  Fingerprint: string;
}

async function scan(t: { after(fn: () => void): void }, repo: TestRepo, ...args: string[]) {
  const home = tempDir(t);
  const result = await run(BINARY, ['scan', 'git', '--json', '--no-redact', '--state-dir', join(home, 'state'), ...args], { env: { ...GIT_ENV, HOME: home }, cwd: repo.dir });
  let findings: JsonFinding[] = [];
  try {
    findings = JSON.parse(result.stdout) as JsonFinding[];
  } catch {
    assert.fail(`not JSON (exit ${result.code}): ${result.stdout}\n${result.stderr}`);
  }
  return { ...result, findings };
}

const github = (findings: JsonFinding[]) => findings.filter((f) => f.RuleID.startsWith('github-'));

describe('scan git', () => {
  before(assertBuilt);

  it('finds a secret in the commit that added it, with file, line, column and author', async (t) => {
    const repo = new TestRepo(tempDir(t));
    repo.commit('init', { 'README.md': 'hello\n' });
    const added = repo.commit('add config', { 'config/app.env': `A=1\nB=2\nGITHUB_TOKEN=${FAKE.githubPat()}\n` });
    const { code, findings } = await scan(t, repo);
    assert.equal(code, 1);
    const [f] = github(findings);
    assert.ok(f);
    assert.deepEqual([f.RuleID, f.File, f.Commit, f.StartLine, f.StartColumn, f.Secret, f.Author], ['github-pat', 'config/app.env', added, 3, 14, FAKE.githubPat(), 'Test Author']);
    assert.equal(f.Fingerprint, `${added}:config/app.env:github-pat:3`);
  });

  it('exits 0 with an empty report on a clean history', async (t) => {
    const repo = new TestRepo(tempDir(t));
    repo.commit('init', { 'README.md': 'hello\n', 'src/app.js': 'console.log(1)\n' });
    const { code, findings, stderr } = await scan(t, repo);
    assert.equal(code, 0, stderr);
    assert.deepEqual(findings, []);
  });

  it('still finds a secret that a later commit deleted, in the commit that added it', async (t) => {
    const repo = new TestRepo(tempDir(t));
    const added = repo.commit('oops', { 'k.txt': `${FAKE.githubApp}\n` });
    repo.git('rm', '-q', 'k.txt');
    repo.commit('remove it');
    const found = github((await scan(t, repo)).findings);
    assert.deepEqual(found.map((f) => [f.Commit, f.File]), [[added, 'k.txt']]);
  });

  it('does not re-report unchanged lines of a renamed file', async (t) => {
    const repo = new TestRepo(tempDir(t));
    const added = repo.commit('add', { 'old/name.txt': `line one\nline two\n${FAKE.githubPat()}\nline four\n` });
    repo.git('mv', 'old/name.txt', 'renamed.txt');
    repo.commit('rename');
    const found = github((await scan(t, repo)).findings);
    assert.deepEqual(found.map((f) => f.Commit), [added]);
  });

  it('finds a secret introduced only by a merge resolution, and does not re-report merged-in lines', async (t) => {
    const repo = new TestRepo(tempDir(t));
    repo.commit('base', { 'app.txt': 'one\ntwo\n' });
    repo.git('checkout', '-q', '-b', 'side');
    const sideCommit = repo.commit('side adds a token', { 'side.txt': `${FAKE.githubPat(1)}\n` });
    repo.git('checkout', '-q', 'main');
    repo.commit('main change', { 'main.txt': 'main\n' });
    repo.git('merge', '-q', '--no-ff', '--no-commit', 'side');
    repo.write('app.txt', `one\ntwo\nresolved ${FAKE.githubOauth}\n`);
    repo.git('add', '-A');
    repo.git('commit', '-q', '-m', 'merge side');
    const merge = repo.head();
    const found = github((await scan(t, repo)).findings);
    assert.deepEqual(
      found.map((f) => [f.Commit, f.File, f.Secret]).sort(),
      [[merge, 'app.txt', FAKE.githubOauth], [sideCommit, 'side.txt', FAKE.githubPat(1)]].sort(),
    );
    const mergeFinding = found.find((f) => f.Commit === merge)!;
    assert.equal(mergeFinding.StartLine, 3);
  });

  it('scans a conflict resolution that drops lines from both sides and the end of the file', async (t) => {
    // git -U0 --cc prints removed lines with a blank column for the side that never had them,
    // and undercounts a hunk reaching lines removed at the end: both once stopped the scan.
    const repo = new TestRepo(tempDir(t));
    repo.commit('base', { 'app.txt': 'base\n' });
    repo.git('checkout', '-q', '-b', 'side');
    repo.commit('side', { 'app.txt': 'Y\n' });
    repo.git('checkout', '-q', 'main');
    repo.commit('main', { 'app.txt': 'K\nX\n' });
    assert.throws(() => repo.git('merge', '-q', 'side')); // conflicts
    repo.commit('merge side', { 'app.txt': `TOKEN=${FAKE.githubOauth}\nK\n` });
    const merge = repo.head();
    const { code, findings, stderr } = await scan(t, repo);
    assert.equal(code, 1, stderr);
    assert.doesNotMatch(stderr, /not scanned|unexpected git patch output/);
    assert.deepEqual(github(findings).map((f) => [f.Commit, f.File, f.StartLine, f.Secret]), [[merge, 'app.txt', 1, FAKE.githubOauth]]);
  });

  it('scans commit messages and, with --all, annotated tag messages', async (t) => {
    const repo = new TestRepo(tempDir(t));
    const commit = repo.commit(`deploy\n\ntoken was ${FAKE.githubPat(2)}`, { 'a.txt': 'a\n' });
    repo.git('tag', '-a', 'v1.0', '-m', `release notes ${FAKE.githubApp}`);
    const plain = github((await scan(t, repo)).findings);
    assert.deepEqual(plain.map((f) => [f.Commit, f.File, f.StartLine]), [[commit, '(commit message)', 3]]);
    const all = github((await scan(t, repo, '--all')).findings);
    assert.ok(all.some((f) => f.File === '(tag v1.0)' && f.Secret === FAKE.githubApp), JSON.stringify(all));
  });

  it('scans only the given range', async (t) => {
    const repo = new TestRepo(tempDir(t));
    repo.commit('old', { 'old.txt': `${FAKE.githubPat(3)}\n` });
    const base = repo.head();
    const fresh = repo.commit('new', { 'new.txt': `${FAKE.githubPat(4)}\n` });
    const found = github((await scan(t, repo, `${base}..HEAD`)).findings);
    assert.deepEqual(found.map((f) => f.Commit), [fresh]);
  });

  it('handles file names with spaces, tabs, quotes, newlines and UTF-8', async (t) => {
    const repo = new TestRepo(tempDir(t));
    const names = ['with space.txt', 'tab\there.txt', 'quote"d.txt', 'new\nline.txt', 'ünïcødé/файл.txt'];
    repo.commit('odd names', Object.fromEntries(names.map((n, i) => [n, `x\n${FAKE.githubPat(5 + i)}\n`])));
    const found = github((await scan(t, repo)).findings);
    assert.deepEqual(found.map((f) => f.File).sort(), [...names].sort());
    assert.ok(found.every((f) => f.StartLine === 2));
  });

  it('file content that imitates diff headers cannot hide the lines after it', async (t) => {
    const repo = new TestRepo(tempDir(t));
    const forged = [
      'diff --git a/x b/x',
      'index 0000000..1111111 100644',
      '--- a/x',
      '+++ b/x',
      '@@ -1,0 +1,1 @@',
      '+harmless',
      'gatehouse-commit 0000000000000000000000000000000000000000',
      'Binary files a/y and b/y differ',
      FAKE.githubPat(9),
    ].join('\n');
    const added = repo.commit('forge', { 'forge.patch': `${forged}\n` });
    const found = github((await scan(t, repo)).findings);
    assert.deepEqual(found.map((f) => [f.Commit, f.File, f.StartLine]), [[added, 'forge.patch', 9]]);
  });

  it('reads files git calls binary: NUL text, UTF-16, archives; a secret the previous version had is not reported again', async (t) => {
    const repo = new TestRepo(tempDir(t));
    const nul = repo.commit('nul', { 'blob.bin': Buffer.from([0, 1, 2, 0, ...Buffer.from(FAKE.githubPat())]) });
    const utf16 = repo.commit('utf16', { 'win/.env': Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(`A=1\r\nTOKEN=${FAKE.githubPat(1)}\r\n`, 'utf16le')]) });
    const archive = new TestRepo(tempDir(t));
    archive.commit('a', { 'conf/app.env': `TOKEN=${FAKE.githubPat(2)}\n` });
    const zip = repo.commit('zip', { 'dist/bundle.zip': execFileSync('git', ['archive', '--format=zip', 'HEAD'], { cwd: archive.dir, env: GIT_ENV }) });
    // The same binary file with a byte changed: its token is no news.
    repo.commit('edit', { 'blob.bin': Buffer.from([0, 1, 3, 0, ...Buffer.from(FAKE.githubPat())]) });
    const found = github((await scan(t, repo)).findings);
    assert.deepEqual(found.map((f) => [f.Commit, f.File, f.StartLine]).sort(), [
      [nul, 'blob.bin', 1],
      [utf16, 'win/.env', 2],
      [zip, 'dist/bundle.zip!/conf/app.env', 1],
    ].sort());
  });

  it('an unreadable binary (an xz file) is listed as not scanned', async (t) => {
    const repo = new TestRepo(tempDir(t));
    repo.commit('xz', { 'dump.xz': Buffer.concat([Buffer.from([0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00]), Buffer.alloc(64, 7)]) });
    const result = await scan(t, repo);
    assert.equal(result.code, 2);
    assert.match(result.stderr, /not scanned: dump\.xz: .*xz/);
  });

  it('reports a file over the size limit as not scanned and exits 2, unless --allow-unscanned', async (t) => {
    const repo = new TestRepo(tempDir(t));
    repo.commit('big', { 'big.txt': 'x'.repeat(5000) + '\n' + FAKE.githubPat() + '\n' });
    const strict = await scan(t, repo, '--max-file-size', '1000');
    assert.equal(strict.code, 2);
    assert.match(strict.stderr, /not scanned: big\.txt: /);
    const allowed = await scan(t, repo, '--max-file-size', '1000', '--allow-unscanned');
    assert.equal(allowed.code, 0);
  });

  it('fails (exit 2) with a clear error outside a repository or on a bad revision', async (t) => {
    const home = tempDir(t);
    const outside = await run(BINARY, ['scan', 'git', '--state-dir', join(home, 's')], { env: { ...GIT_ENV, HOME: home }, cwd: home });
    assert.equal(outside.code, 2);
    assert.match(outside.stderr, /is not a git repository/);
    const repo = new TestRepo(tempDir(t));
    repo.commit('init', { 'a.txt': 'a\n' });
    const bad = await run(BINARY, ['scan', 'git', 'no-such-branch', '--state-dir', join(home, 's')], { env: { ...GIT_ENV, HOME: home }, cwd: repo.dir });
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /git log failed/);
  });

  it('reuses clean verdicts on a second scan, rescans what had findings, and finds the same things', async (t) => {
    const repo = new TestRepo(tempDir(t));
    repo.commit('a', { 'a.txt': `${FAKE.githubPat()}\n`, 'b.txt': 'clean\n' });
    const home = tempDir(t);
    const args = ['scan', 'git', '--state-dir', join(home, 'state')];
    const first = await run(BINARY, args, { env: { ...GIT_ENV, HOME: home }, cwd: repo.dir });
    const second = await run(BINARY, args, { env: { ...GIT_ENV, HOME: home }, cwd: repo.dir });
    assert.doesNotMatch(first.stdout, /from cache/);
    // Only the clean file's verdict is cached: a finding is never stored, so a.txt is read again.
    assert.match(second.stdout, /1 from cache/);
    assert.equal(first.code, 1);
    assert.equal(second.code, 1);
    assert.equal(second.stdout.split('\n').filter((l) => /^\s+github-pat\s/.test(l)).length, 1);
  });
});
