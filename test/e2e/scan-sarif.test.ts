// SARIF from `gatehouse scan`: each location is a relative URI reference against %SRCROOT%, which
// the run maps to the scanned root as a file:// URI (SARIF 2.1.0, 3.4.4 and 3.14.14), so a viewer
// opens the right file wherever the report is read.
import assert from 'node:assert/strict';
import { mkdirSync, realpathSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { assertBuilt, BINARY, run } from '../helpers/binary.ts';
import { GIT_ENV, TestRepo } from '../helpers/git.ts';
import { FAKE } from '../helpers/secrets.ts';
import { tempDir } from '../helpers/tmp.ts';

interface SarifRun {
  originalUriBaseIds: Record<string, { uri: string }>;
  results: Array<{ locations: Array<{ physicalLocation: { artifactLocation: { uri: string; uriBaseId?: string } } }> }>;
}

/** Checks the shape of every location and returns the file each one resolves to. */
function resolvedFiles(sarifText: string): string[] {
  const sarif = JSON.parse(sarifText) as { runs: SarifRun[] };
  const [only] = sarif.runs;
  assert.ok(only);
  return only.results.map((result) => {
    const { uri, uriBaseId } = result.locations[0]!.physicalLocation.artifactLocation;
    assert.equal(uriBaseId, '%SRCROOT%');
    // A relative reference: no scheme, not rooted, nothing a URI parser would read differently.
    assert.doesNotMatch(uri, /^[a-z][a-z0-9+.-]*:|^\//i);
    assert.doesNotMatch(uri, /[ #?%](?![0-9A-F]{2})/, `${uri} is not percent-encoded`);
    const base = only.originalUriBaseIds[uriBaseId]!.uri;
    assert.match(base, /^file:\/\/\/.*\/$/, 'the base is a file:// URI of a directory');
    return fileURLToPath(new URL(uri, base));
  });
}

describe('scan --format sarif', () => {
  before(assertBuilt);

  it('scan dir: locations resolve against %SRCROOT% to the files, odd names included', async (t) => {
    const dir = realpathSync(tempDir(t));
    mkdirSync(join(dir, 'sub dir'));
    const odd = join(dir, 'sub dir', 'a#b%c.env');
    writeFileSync(odd, `TOKEN=${FAKE.githubPat()}\n`);
    const result = await run(BINARY, ['scan', 'dir', '.', '--format', 'sarif'], { env: { HOME: tempDir(t) }, cwd: dir });
    assert.equal(result.code, 1, result.stderr);
    assert.deepEqual(resolvedFiles(result.stdout), [odd]);
  });

  it('scan git from a subdirectory: locations resolve against the repository root', async (t) => {
    const repo = new TestRepo(join(realpathSync(tempDir(t)), 'repo'));
    repo.write('src/app.env', `TOKEN=${FAKE.githubApp}\n`);
    repo.git('add', '-A');
    repo.git('commit', '-qm', 'add config');
    const result = await run(BINARY, ['scan', 'git', '--format', 'sarif'], { env: { ...GIT_ENV, HOME: tempDir(t) }, cwd: join(repo.dir, 'src') });
    assert.equal(result.code, 1, result.stderr);
    assert.deepEqual(resolvedFiles(result.stdout), [join(repo.dir, 'src/app.env')]);
  });
});
