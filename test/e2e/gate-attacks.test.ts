// The gate as an attacker with a shell meets it: every way a push can carry a secret that
// `git log -p` does not show, pushed through a real `git daemon`. Each push must be refused, the
// client must not see the value, and the upstream's objects and ref names must never hold it.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { after, before, describe, it } from 'node:test';
import { assertBuilt } from '../helpers/binary.ts';
import { assertRefused, hashObject } from '../helpers/gate-attacks.ts';
import { startGateDaemon, type GateDaemon } from '../helpers/gate-daemon.ts';
import { GIT_ENV, TestRepo } from '../helpers/git.ts';
import { PLANT } from '../helpers/secrets.ts';

const cleanups: Array<() => void> = [];
const suite = { after: (fn: () => void) => void cleanups.push(fn) };

/** A zip (or tar, tar.gz) made by git archive from files, the way an archive tool would make it. */
function archive(root: string, format: 'zip' | 'tar' | 'tar.gz', files: Record<string, string | Buffer>): Buffer {
  const repo = new TestRepo(join(root, `archive-${format}-${archives++}`));
  repo.commit('archive', files);
  return execFileSync('git', ['archive', `--format=${format}`, 'HEAD'], { cwd: repo.dir, env: GIT_ENV });
}

let archives = 0;

function rsaKeyPem(): string {
  return generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ type: 'pkcs1', format: 'pem' }).toString();
}

describe('the gate reads everything a push carries (attacks through git daemon)', () => {
  let gate: GateDaemon;
  before(async () => {
    assertBuilt();
    gate = await startGateDaemon(suite);
  });
  after(() => cleanups.splice(0).reverse().forEach((fn) => fn()));

  describe('content git calls binary', () => {
    it('a text file with one NUL byte', () => {
      const client = gate.clone('nul');
      const secret = PLANT.github('nul');
      client.commit('nul', { 'config/settings.txt': `mode=fast\0\nGITHUB_TOKEN=${secret}\n` });
      assertRefused(gate, gate.push(client, 'origin', 'main'), secret, /github-pat +commit \w{12} +config\/settings\.txt:2/);
    });

    it('a UTF-16LE .env with a BOM, and one without', () => {
      const client = gate.clone('utf16');
      const withBom = PLANT.aws('utf16-bom');
      const noBom = PLANT.github('utf16-nobom');
      client.commit('windows env', {
        'win/.env': Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(`# settings\r\nAWS_ACCESS_KEY_ID=${withBom}\r\n`, 'utf16le')]),
        'win/token.ps1': Buffer.from(`$token = "${noBom}"\r\n`, 'utf16le'),
      });
      const result = gate.push(client, 'origin', 'main');
      assertRefused(gate, result, withBom, /aws-access-key-id .*win\/\.env:2/);
      assertRefused(gate, result, noBom, /github-pat .*win\/token\.ps1:1/);
    });

    it('a gzip file, a zip, a tar.gz and a zip inside a zip holding tokens', () => {
      const client = gate.clone('archives');
      const [gz, zip, tgz, nested] = ['gz', 'zip', 'tgz', 'nested'].map((s) => PLANT.github(`archive-${s}`)) as [string, string, string, string];
      const inner = archive(gate.root, 'zip', { 'deep/creds.txt': `token: ${nested}\n` });
      client.commit('archives', {
        'backup/settings.json.gz': gzipSync(Buffer.from(`{"token": "${gz}"}\n`)),
        'dist/bundle.zip': archive(gate.root, 'zip', { 'conf/app.env': `GITHUB_TOKEN=${zip}\n` }),
        'dist/release.tar.gz': archive(gate.root, 'tar.gz', { 'etc/app.env': `GITHUB_TOKEN=${tgz}\n` }),
        'dist/outer.jar': archive(gate.root, 'zip', { 'lib/inner.zip': inner }),
      });
      const result = gate.push(client, 'origin', 'main');
      for (const secret of [gz, zip, tgz]) assertRefused(gate, result, secret);
      assert.match(result.output, /member conf\/app\.env:1 of dist\/bundle\.zip/);
      assert.match(result.output, /member etc\/app\.env:1 of dist\/release\.tar\.gz/);
      assert.match(result.output, /member deep\/creds\.txt:1 of lib\/inner\.zip in dist\/outer\.jar/);
      assert.match(result.output, /backup\/settings\.json\.gz:1 \(gunzipped\)/);
    });

    it('an encrypted zip member or an xz file cannot be read, so the push is refused', () => {
      const client = gate.clone('unreadable');
      const zip = archive(gate.root, 'zip', { 'secret.txt': 'nothing to see\n' });
      // Set the "encrypted" flag in the local header and the central directory entry.
      zip.writeUInt16LE(zip.readUInt16LE(6) | 1, 6);
      const central = zip.indexOf(Buffer.from([0x50, 0x4b, 0x01, 0x02]));
      zip.writeUInt16LE(zip.readUInt16LE(central + 8) | 1, central + 8);
      client.commit('opaque', { 'vault/keys.zip': zip, 'vault/dump.xz': Buffer.concat([Buffer.from([0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00]), Buffer.alloc(64, 7)]) });
      const result = gate.push(client, 'origin', 'main');
      assert.notEqual(result.code, 0);
      assert.match(result.output, /part of it could not be scanned/);
      assert.match(result.output, /vault\/keys\.zip!\/secret\.txt.*encrypted/);
      assert.match(result.output, /vault\/dump\.xz.*xz/);
      assert.equal(gate.upstreamHolds('nothing to see'), false);
    });
  });

  describe('refs that point at blobs and trees', () => {
    it('a lightweight tag on a blob', () => {
      const client = gate.clone('tag-blob');
      const secret = PLANT.slack('tag-blob');
      const blob = hashObject(client, 'blob', `SLACK_BOT_TOKEN=${secret}\n`);
      assertRefused(gate, gate.push(client, 'origin', `${blob}:refs/tags/blob-tag`), secret, /slack-bot-token/);
    });

    it('an annotated tag on a tree, and refs/notes/commits set to a tree', () => {
      const client = gate.clone('tag-tree');
      const secret = PLANT.stripe('tag-tree');
      const blob = hashObject(client, 'blob', `STRIPE_KEY=${secret}\n`);
      const tree = execFileSync('git', ['mktree'], { cwd: client.dir, env: GIT_ENV, input: `100644 blob ${blob}\tpay.env\n` }).toString().trim();
      client.git('tag', '-a', '-m', 'a tree', 'tree-tag', tree);
      assertRefused(gate, gate.push(client, 'origin', 'refs/tags/tree-tag'), secret, /stripe/);
      assertRefused(gate, gate.push(client, 'origin', `${tree}:refs/notes/commits`), secret, /stripe/);
    });
  });

  describe('replace refs', () => {
    it('a push to refs/replace/* is refused', () => {
      const client = gate.clone('replace');
      const harmless = client.commit('harmless', { 'a.txt': 'a\n' });
      client.git('checkout', '-q', 'HEAD~1');
      const other = client.commit('other', { 'b.txt': 'b\n' });
      const result = gate.push(client, 'origin', `${harmless}:refs/replace/${other}`);
      assert.notEqual(result.code, 0);
      assert.match(result.output, /refs\/replace\/\w+: replace refs are refused/);
    });

    it('a replace ref already in the mirror does not hide a secret commit from the scan', () => {
      const client = gate.clone('replaced');
      const harmless = client.commit('harmless', { 'notes.txt': 'fine\n' });
      client.git('checkout', '-q', 'HEAD~1');
      const secret = PLANT.github('replaced');
      const leak = client.commit('leak', { 'leak.env': `GITHUB_TOKEN=${secret}\n` });
      // What one clean push of a replace ref would have left behind before the gate refused them.
      client.git('branch', 'harmless', harmless);
      gate.mirror.git('fetch', '-q', client.dir, 'refs/heads/harmless:refs/heads/harmless');
      gate.mirror.git('update-ref', `refs/replace/${leak}`, harmless);
      assertRefused(gate, gate.push(client, 'origin', `${leak}:refs/heads/replaced`), secret, /github-pat .*leak\.env:1/);
      gate.mirror.git('update-ref', '-d', `refs/replace/${leak}`);
    });
  });

  describe('paths the pusher chose are scanned like any other', () => {
    it('a text file named .png, a vendored SDK under node_modules/, a Pipfile.lock', () => {
      const client = gate.clone('paths');
      const [png, vendored, lock] = ['png', 'vendored', 'lock'].map((s) => PLANT.github(`path-${s}`)) as [string, string, string];
      client.commit('paths', {
        'assets/creds.png': `token=${png}\n`,
        'node_modules/sdk/config.js': `module.exports = { token: "${vendored}" };\n`,
        'Pipfile.lock': `{"_meta": {"sources": [{"url": "https://${lock}@pypi.example.test/simple"}]}}\n`,
      });
      const result = gate.push(client, 'origin', 'main');
      for (const secret of [png, vendored, lock]) assertRefused(gate, result, secret);
      assert.match(result.output, /assets\/creds\.png:1/);
      assert.match(result.output, /node_modules\/sdk\/config\.js:1/);
    });
  });

  describe('headers and names', () => {
    it('author name, committer email, and an extra commit header', () => {
      const client = gate.clone('headers');
      const [author, committer, extra] = ['author', 'committer', 'extra'].map((s) => PLANT.github(`header-${s}`)) as [string, string, string];
      const env = { ...GIT_ENV, GIT_AUTHOR_NAME: `Dev ${author}`, GIT_COMMITTER_EMAIL: `${committer}@example.test` };
      execFileSync('git', ['commit', '-q', '--allow-empty', '-m', 'innocent'], { cwd: client.dir, env });
      const head = client.head();
      const raw = client.git('cat-file', 'commit', head).replace('\n\n', `\nx-trace ${extra}\n\n`);
      const crafted = hashObject(client, 'commit', raw);
      const result = gate.push(client, 'origin', `${crafted}:refs/heads/headers`);
      assertRefused(gate, result, author, /\(author of commit\)/);
      assertRefused(gate, result, committer, /\(committer of commit\)/);
      assertRefused(gate, result, extra, /\(commit header "x-trace"\)/);
    });

    it('a gpgsig header, a tag name, a tagger and a branch name', () => {
      const client = gate.clone('names');
      const [sig, tagName, tagger, branch] = ['sig', 'tagname', 'tagger', 'branch'].map((s) => PLANT.github(`name-${s}`)) as [string, string, string, string];
      const raw = client.git('cat-file', 'commit', 'HEAD').replace(/\ncommitter ([^\n]*)\n/, `\ncommitter $1\ngpgsig -----BEGIN PGP SIGNATURE-----\n \n ${sig}\n -----END PGP SIGNATURE-----\n`);
      const signed = hashObject(client, 'commit', raw);
      assertRefused(gate, gate.push(client, 'origin', `${signed}:refs/heads/signed`), sig, /\(signature of commit\)/);
      execFileSync('git', ['tag', '-a', '-m', 'release', `v-${tagName}`], { cwd: client.dir, env: { ...GIT_ENV, GIT_COMMITTER_NAME: `Rel ${tagger}` } });
      const tagged = gate.push(client, 'origin', `refs/tags/v-${tagName}`);
      assertRefused(gate, tagged, tagName, /\(ref name\)/);
      assertRefused(gate, tagged, tagger, /\(tagger header of tag/);
      assertRefused(gate, gate.push(client, 'origin', `HEAD:refs/heads/feature/${branch}`), branch, /\(ref name\)/);
    });

    it('file and directory names', () => {
      const client = gate.clone('filenames');
      const [file, dir] = ['file', 'dir'].map((s) => PLANT.aws(`filename-${s}`)) as [string, string];
      client.commit('names', { [`keys/${file}.txt`]: 'x\n', [`${dir}/readme.md`]: 'y\n' });
      const result = gate.push(client, 'origin', 'main');
      assertRefused(gate, result, file, /\(file name in keys\/\)/);
      assertRefused(gate, result, dir, /\(file name at the top level\)/);
    });
  });

  describe('attributes cannot turn scanning off', () => {
    it('a pushed .gitattributes "* -diff" and one in the mirror\'s info/attributes', () => {
      const client = gate.clone('attributes');
      client.commit('attributes', { '.gitattributes': '* -diff -text binary\n' });
      const first = gate.push(client, 'origin', 'main');
      assert.equal(first.code, 0, first.output);
      writeFileSync(join(gate.mirror.dir, 'info/attributes'), '* -diff binary\n');
      const secret = PLANT.github('attributes');
      client.commit('leak', { 'app.env': `GITHUB_TOKEN=${secret}\n` });
      assertRefused(gate, gate.push(client, 'origin', 'main'), secret, /github-pat .*app\.env:1/);
    });
  });

  describe('multi-line secrets assembled from lines not added together', () => {
    it('a PEM template upstream whose placeholder a push replaces with a real key body', () => {
      const key = rsaKeyPem();
      const lines = key.trim().split('\n');
      const template = [lines[0], 'xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx', lines.at(-1), ''].join('\n');
      const owner = new TestRepo(join(gate.root, 'owner-pem'));
      owner.git('fetch', '-q', gate.upstream.dir, 'main');
      owner.git('checkout', '-q', '-b', 'main', 'FETCH_HEAD');
      owner.commit('key template', { 'deploy/key.pem': template });
      owner.git('push', '-q', gate.upstream.dir, 'main');
      const client = gate.clone('pem-template');
      client.commit('fill in the key', { 'deploy/key.pem': `${key.trim()}\n` });
      assertRefused(gate, gate.push(client, 'origin', 'main'), lines[5]!, /private-key .*deploy\/key\.pem:1/);
    });

    it('BEGIN, body and END in three commits of one push', () => {
      const key = rsaKeyPem().trim().split('\n');
      const client = gate.clone('pem-three');
      client.commit('begin', { 'certs/service.key': `${key[0]}\n` });
      client.commit('body', { 'certs/service.key': `${key.slice(0, -1).join('\n')}\n` });
      client.commit('end', { 'certs/service.key': `${key.join('\n')}\n` });
      assertRefused(gate, gate.push(client, 'origin', 'main'), key[5]!, /private-key .*certs\/service\.key:1/);
    });

    it('a real key with a "Comment: xxxxxxxx" header line', () => {
      const key = rsaKeyPem().trim().split('\n');
      const client = gate.clone('pem-comment');
      const withHeader = [key[0], 'Comment: xxxxxxxxxxxxxxxx', ...key.slice(1)].join('\n');
      client.commit('key', { 'id_service.pem': `${withHeader}\n` });
      assertRefused(gate, gate.push(client, 'origin', 'main'), key[5]!, /private-key/);
    });
  });

  describe('rules and encodings', () => {
    it('a Dropbox sl.u. token in a file, as in a commit message', () => {
      const client = gate.clone('dropbox');
      const token = PLANT.dropbox('file');
      client.commit('dropbox', { 'sync/config.py': `DROPBOX_TOKEN = "${token}"\n` });
      assertRefused(gate, gate.push(client, 'origin', 'main'), token, /dropbox-short-lived-token .*sync\/config\.py:1/);
    });

    it('unpadded base64, base64url, base64 wrapped at 61 columns, and JSON \\u escapes', () => {
      const client = gate.clone('encodings');
      const [unpadded, url, wrapped, escaped] = ['unpadded', 'url', 'wrapped', 'escaped'].map((s) => PLANT.github(`enc-${s}`)) as [string, string, string, string];
      const b64 = (text: string) => Buffer.from(text).toString('base64');
      // 55 bytes: 74 base64 characters once the padding is dropped, not a whole number of 4-groups.
      const unpaddedText = b64(`export  TOKEN=${unpadded}\n`).replace(/=+$/, '');
      assert.notEqual(unpaddedText.length % 4, 0);
      const urlText = Buffer.from(`{"token":"${url}"}??>>`).toString('base64url');
      const wrappedText = b64(`# deploy settings\nGITHUB_TOKEN=${wrapped}\nREGION=eu-west-1\n`).match(/.{1,61}/g)!.join('\n');
      const escapedText = [...`ghp_${escaped.slice(4)}`].map((c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`).join('');
      client.commit('encoded', {
        'deploy/a.txt': `data: ${unpaddedText}\n`,
        'deploy/b.txt': `blob=${urlText}\n`,
        'deploy/c.txt': `${wrappedText}\n`,
        'deploy/d.json': `{"token": "${escapedText}"}\n`,
      });
      const result = gate.push(client, 'origin', 'main');
      for (const planted of [unpaddedText, urlText, escapedText]) assertRefused(gate, result, planted);
      for (const secret of [unpadded, url, wrapped, escaped]) assert.equal(gate.upstreamHolds(secret), false);
      assert.match(result.output, /deploy\/a\.txt:1/);
      assert.match(result.output, /deploy\/b\.txt:1/);
      assert.match(result.output, /deploy\/c\.txt:1/);
      assert.match(result.output, /deploy\/d\.json:1/);
    });

    it('encodings nested deeper than decode_depth cannot be read, so the push is refused', () => {
      const client = gate.clone('nested');
      const secret = PLANT.github('nested-three');
      const three = Buffer.from(Buffer.from(Buffer.from(`token=${secret}`).toString('hex')).toString('base64')).toString('base64');
      client.commit('nested', { 'blob.txt': `payload: ${three}\n` });
      const result = gate.push(client, 'origin', 'main');
      assert.notEqual(result.code, 0);
      assert.match(result.output, /push REJECTED/);
      assert.match(result.output, /blob\.txt/);
      assert.equal(gate.upstreamHolds(three), false);
    });
  });

  describe('what the gate lets through', () => {
    it('a binary file without secrets, and an edit to a file whose secret the upstream already holds', () => {
      const known = PLANT.stripe('already-upstream');
      const owner = new TestRepo(join(gate.root, 'owner-known'));
      owner.git('fetch', '-q', gate.upstream.dir, 'main');
      owner.git('checkout', '-q', '-b', 'main', 'FETCH_HEAD');
      owner.commit('legacy config', { 'legacy/settings.env': `STRIPE_KEY=${known}\nDEBUG=0\n` });
      owner.git('push', '-q', gate.upstream.dir, 'main');
      const client = gate.clone('allowed');
      client.commit('edit', { 'legacy/settings.env': `STRIPE_KEY=${known}\nDEBUG=1\n`, 'img/logo.bin': Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 1, 2, 3, 255, 0, 10, 13]) });
      const result = gate.push(client, 'origin', 'main');
      assert.equal(result.code, 0, result.output);
      assert.equal(gate.upstream.ref('refs/heads/main'), client.head());
    });

    it('merges that resolved conflicts (two and three parents), and a secret only the resolution adds', () => {
      const client = gate.clone('merges');
      const base = Array.from({ length: 30 }, (_, i) => `line ${i}`);
      client.commit('base', { 'doc.txt': `${base.join('\n')}\n` });
      const edit = (branch: string, from: string, change: (lines: string[]) => void) => {
        client.git('checkout', '-q', '-b', branch, from);
        const lines = [...base];
        change(lines);
        return client.commit(branch, { 'doc.txt': `${lines.join('\n')}\n` });
      };
      const start = client.head();
      const ours = edit('ours', start, (l) => l.splice(10, 3, 'ours a', 'ours b'));
      const theirs = edit('theirs', start, (l) => l.splice(9, 5, 'theirs a', 'theirs b', 'theirs c'));
      const third = edit('third', start, (l) => l.splice(25, 1, 'third'));
      const resolved = [...base];
      resolved.splice(25, 1, 'third');
      resolved.splice(9, 5, 'ours a', 'theirs c', 'both, rewritten');
      client.write('doc.txt', `${resolved.join('\n')}\n`);
      client.git('add', 'doc.txt');
      const tree = client.git('write-tree').trim();
      const merge = client.git('commit-tree', tree, '-p', ours, '-p', theirs, '-p', third, '-m', 'three-way resolution').trim();
      const accepted = gate.push(client, 'origin', `${merge}:refs/heads/main`);
      assert.equal(accepted.code, 0, accepted.output);
      assert.equal(gate.upstream.ref('refs/heads/main'), merge);
      const secret = PLANT.github('merge-resolution');
      resolved.splice(2, 0, `token = "${secret}"`);
      client.write('doc.txt', `${resolved.join('\n')}\n`);
      client.git('add', 'doc.txt');
      const leaky = client.git('commit-tree', client.git('write-tree').trim(), '-p', merge, '-p', ours, '-m', 'resolve again').trim();
      assertRefused(gate, gate.push(client, 'origin', `${leaky}:refs/heads/main`), secret, /github-pat +commit \w{12} +doc\.txt:3/);
    });

    it('a moved secret line is still the same secret, but a second copy in a new file is new', () => {
      const client = gate.clone('moved');
      const known = PLANT.stripe('already-upstream');
      client.commit('move', { 'legacy/settings.env': `DEBUG=1\n\nSTRIPE_KEY=${known}\n` });
      assert.equal(gate.push(client, 'origin', 'main').code, 0);
      client.commit('copy', { 'legacy/copy.env': `STRIPE_KEY=${known}\n` });
      const copy = gate.push(client, 'origin', 'main');
      assert.notEqual(copy.code, 0);
      assert.match(copy.output, /stripe.*legacy\/copy\.env:1/);
    });
  });
});
