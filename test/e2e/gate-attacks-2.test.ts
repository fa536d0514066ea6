// The second round of attacks on the gate through a real `git daemon`: bytes the blob views
// read past (container headers, names and gaps, a UTF-16 reading one byte off), and what the
// forwarding push sends that the scan never saw. Each push must be refused, and the upstream
// must never hold the planted value.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import * as zlib from 'node:zlib';
import { after, before, describe, it } from 'node:test';
import { png, paxRecord, tar, zip } from '../helpers/archives.ts';
import { assertBuilt } from '../helpers/binary.ts';
import { assertRefused, hashObject } from '../helpers/gate-attacks.ts';
import { startGateDaemon, type GateDaemon } from '../helpers/gate-daemon.ts';
import { GIT_ENV, TestRepo } from '../helpers/git.ts';
import { PLANT } from '../helpers/secrets.ts';

const cleanups: Array<() => void> = [];
const suite = { after: (fn: () => void) => void cleanups.push(fn) };

const utf16 = (text: string) => Buffer.from(text, 'utf16le');

/** A clone of the upstream itself, for what its owner does behind the gate's back. */
function ownerClone(gate: GateDaemon, name: string): TestRepo {
  const owner = new TestRepo(join(gate.root, `owner-${name}`));
  owner.git('fetch', '-q', gate.upstream.dir, 'main');
  owner.git('checkout', '-q', '-b', 'main', 'FETCH_HEAD');
  return owner;
}

/** The upstream drops every object no ref reaches, as a host does in time. */
function upstreamGc(gate: GateDaemon): void {
  gate.upstream.git('reflog', 'expire', '--expire=now', '--all');
  gate.upstream.git('gc', '-q', '--prune=now');
}

describe('the gate reads everything a push carries, second round (attacks through git daemon)', () => {
  let gate: GateDaemon;
  before(async () => {
    assertBuilt();
    gate = await startGateDaemon(suite);
  });
  after(() => cleanups.splice(0).reverse().forEach((fn) => fn()));

  describe('bytes a blob view read past', () => {
    it('UTF-16 one byte off, UTF-16 next to raw text, a UTF-16 island in a text file', () => {
      const client = gate.clone('utf16');
      const plants = {
        'win/odd.ps1': PLANT.github('utf16-odd'),
        'win/bom-then-ascii.env': PLANT.github('utf16-bom-ascii'),
        'win/long-then-ascii.env': PLANT.github('utf16-long-ascii'),
        'notes/island.txt': PLANT.github('utf16-island'),
        'win/bom-odd.env': PLANT.github('utf16-bom-odd'),
      };
      client.commit('windows files', {
        // Read as UTF-16BE from byte 0, the token loses its first character.
        'win/odd.ps1': Buffer.concat([Buffer.from('#'), utf16(`${plants['win/odd.ps1']}\r\n# settings\r\n`)]),
        'win/bom-then-ascii.env': Buffer.concat([Buffer.from([0xff, 0xfe]), utf16('# settings\r\n'), Buffer.from(`GITHUB_TOKEN=${plants['win/bom-then-ascii.env']}\n`)]),
        // Detection looks at the first 4 KiB only.
        'win/long-then-ascii.env': Buffer.concat([utf16('# a long comment line of settings\r\n'.repeat(80)), Buffer.from(`\nGITHUB_TOKEN=${plants['win/long-then-ascii.env']}\n`)]),
        'notes/island.txt': Buffer.concat([Buffer.from('plain notes\n'.repeat(400)), Buffer.from('\0\n'), utf16(`token=${plants['notes/island.txt']}`), Buffer.from('\nmore notes\n'.repeat(100))]),
        'win/bom-odd.env': Buffer.concat([Buffer.from([0xff, 0xfe, 0x23]), utf16(`GITHUB_TOKEN=${plants['win/bom-odd.env']}\r\n`)]),
      });
      const result = gate.push(client, 'origin', 'main');
      for (const [path, secret] of Object.entries(plants)) {
        assertRefused(gate, result, secret);
        assert.match(result.output, new RegExp(`github-pat .*${path.replace(/\./g, '\\.')}`), `${path} not reported`);
      }
    });

    it('gzip header fields, a zstd skippable frame', () => {
      const client = gate.clone('gzip-header');
      const [comment, name, extra, skippable] = ['comment', 'name', 'extra', 'zstd-skip'].map((s) => PLANT.github(`gz-${s}`)) as [string, string, string, string];
      const gzipWith = (flag: number, field: Buffer) => {
        const gz = zlib.gzipSync(Buffer.from('harmless\n'));
        const header = Buffer.from(gz.subarray(0, 10));
        header[3] = flag;
        return Buffer.concat([header, field, gz.subarray(10)]);
      };
      const extraField = Buffer.concat([Buffer.from('XX'), Buffer.from([0, 0]), Buffer.from(`GITHUB_TOKEN=${extra}`)]);
      extraField.writeUInt16LE(extraField.length - 4, 2);
      const extraLength = Buffer.alloc(2);
      extraLength.writeUInt16LE(extraField.length);
      const skip = Buffer.alloc(8);
      skip.writeUInt32LE(0x184d2a50, 0);
      const hidden = Buffer.from(`GITHUB_TOKEN=${skippable}\n`);
      skip.writeUInt32LE(hidden.length, 4);
      client.commit('compressed', {
        'dist/comment.gz': gzipWith(16, Buffer.from(`GITHUB_TOKEN=${comment}\0`)),
        'dist/name.gz': gzipWith(8, Buffer.from(`${name}.txt\0`)),
        'dist/extra.gz': gzipWith(4, Buffer.concat([extraLength, extraField])),
        'dist/data.zst': Buffer.concat([zlib.zstdCompressSync(Buffer.from('harmless\n')), skip, hidden]),
      });
      const result = gate.push(client, 'origin', 'main');
      for (const [path, secret] of [['dist/comment.gz', comment], ['dist/name.gz', name], ['dist/extra.gz', extra], ['dist/data.zst', skippable]] as const) {
        assertRefused(gate, result, secret);
        assert.match(result.output, new RegExp(`github-pat .*${path.replace(/\./g, '\\.')}`), `${path} not reported`);
      }
    });

    it('tar link names, member names, pax records and padding; zip member names and gaps; tar.gz and nested zip', () => {
      const client = gate.clone('archive-metadata');
      const plants = Object.fromEntries(['link', 'name', 'pax', 'global', 'padding', 'longname', 'zipname', 'zipgap', 'tgzlink', 'nestedgap'].map((s) => [s, PLANT.github(`meta-${s}`)])) as Record<string, string>;
      const file = { name: 'README', data: 'hello\n' };
      client.commit('archives', {
        'dist/link.tar': tar([file, { name: 'config', type: '2', linkname: `token=${plants.link}` }]),
        'dist/name.tar': tar([{ name: `keys/${plants.name}`, data: 'x\n' }]),
        'dist/pax.tar': tar([{ name: 'PaxHeader', type: 'x', data: paxRecord('comment', `token=${plants.pax}`) }, file]),
        'dist/global.tar': tar([{ name: 'GlobalHead', type: 'g', data: paxRecord('comment', `token=${plants.global}`) }, file]),
        'dist/padding.tar': tar([{ ...file, padding: `\ntoken=${plants.padding}\n` }]),
        'dist/longname.tar': tar([{ name: '././@LongLink', type: 'K', data: `token=${plants.longname}\0` }, file]),
        'dist/name.zip': zip([{ name: `keys/${plants.zipname}.txt`, data: 'x\n' }]),
        'dist/gap.zip': zip([file], { gap: `\ntoken=${plants.zipgap}\n` }),
        'dist/link.tar.gz': zlib.gzipSync(tar([{ name: 'config', type: '2', linkname: `token=${plants.tgzlink}` }])),
        'dist/outer.zip': zip([{ name: 'inner.zip', data: zip([file], { gap: `\ntoken=${plants.nestedgap}\n` }), deflate: true }]),
      });
      const result = gate.push(client, 'origin', 'main');
      const paths: Record<string, string> = { link: 'dist/link.tar', name: 'dist/name.tar', pax: 'dist/pax.tar', global: 'dist/global.tar', padding: 'dist/padding.tar', longname: 'dist/longname.tar', zipname: 'dist/name.zip', zipgap: 'dist/gap.zip', tgzlink: 'dist/link.tar.gz', nestedgap: 'dist/outer.zip' };
      for (const [key, secret] of Object.entries(plants)) {
        assertRefused(gate, result, secret);
        assert.match(result.output, new RegExp(`github-pat .*${paths[key]!.replace(/\./g, '\\.')}`), `${paths[key]} not reported`);
      }
    });

    it('PNG text chunks, compressed (zTXt, iTXt) and not (tEXt)', () => {
      const client = gate.clone('png');
      const [plain, compressed, international] = ['text', 'ztxt', 'itxt'].map((s) => PLANT.github(`png-${s}`)) as [string, string, string];
      const before = gate.upstream.ref('refs/heads/main');
      client.commit('images', {
        'img/text.png': png([{ type: 'tEXt', data: Buffer.from(`Comment\0token=${plain}`) }]),
        'img/ztxt.png': png([{ type: 'zTXt', data: Buffer.concat([Buffer.from('Comment\0\0'), zlib.deflateSync(Buffer.from(`token=${compressed}`))]) }]),
        'img/itxt.png': png([{ type: 'iTXt', data: Buffer.concat([Buffer.from('Comment\0\x01\0en\0Kommentar\0', 'latin1'), zlib.deflateSync(Buffer.from(`token=${international}`))]) }]),
      });
      const result = gate.push(client, 'origin', 'main');
      for (const secret of [plain, compressed, international]) assertRefused(gate, result, secret);
      for (const path of ['img/text.png', 'img/ztxt.png', 'img/itxt.png']) assert.match(result.output, new RegExp(`github-pat .*${path.replace(/\./g, '\\.')}`), `${path} not reported`);
      assert.equal(gate.upstream.ref('refs/heads/main'), before);
    });

    it('a UTF-16 tag message one byte off, after a long ASCII message', () => {
      const client = gate.clone('utf16-message');
      const secret = PLANT.github('utf16-message');
      // git fsck refuses a NUL in a commit, not in a tag.
      const header = `object ${client.head()}\ntype commit\ntag v-utf16\ntagger Dev <dev@example.test> 1767225600 +0000\n\n`;
      const message = Buffer.concat([Buffer.from(`${'a long ascii message line\n'.repeat(200)}#`), utf16(`${secret}\n`)]);
      const tag = hashObject(client, 'tag', Buffer.concat([Buffer.from(header), message]));
      assertRefused(gate, gate.push(client, 'origin', `${tag}:refs/tags/v-utf16`), secret, /\(tag v-utf16, decoded\)/);
    });
  });

  describe('the answer matches what the upstream did', () => {
    it('deleting the branch the mirror\'s HEAD names, when the upstream\'s HEAD names another: refused before the forward', () => {
      const owner = ownerClone(gate, 'head');
      const main = owner.head();
      // The upstream's HEAD names a branch that does not exist: the refresh leaves the mirror's HEAD as it was.
      gate.upstream.git('symbolic-ref', 'HEAD', 'refs/heads/trunk');
      try {
        const client = gate.clone('head');
        assert.equal(gate.mirror.git('symbolic-ref', 'HEAD').trim(), 'refs/heads/main');
        const result = gate.push(client, 'origin', ':refs/heads/main');
        // git refuses to delete the mirror's current branch after the hook: the gate must not forward it first.
        assert.notEqual(result.code, 0, result.output);
        assert.match(result.output, /refs\/heads\/main: the mirror's HEAD names this branch/);
        assert.equal(gate.upstream.ref('refs/heads/main'), main, 'the upstream deleted the branch the client was told was kept');
      } finally {
        gate.upstream.git('symbolic-ref', 'HEAD', 'refs/heads/main');
        if (gate.upstream.ref('refs/heads/main') === null) owner.git('push', '-q', gate.upstream.dir, `${main}:refs/heads/main`);
      }
    });
  });

  describe('what the forward sends that the scan did not read', () => {
    it('objects a push left unreferenced are scanned when a later push references them', () => {
      const client = gate.clone('unreferenced');
      const secret = PLANT.github('unreferenced');
      const blob = hashObject(client, 'blob', `GITHUB_TOKEN=${secret}\n`);
      const tree = execFileSync('git', ['mktree'], { cwd: client.dir, env: GIT_ENV, input: `100644 blob ${blob}\tleak.env\n` }).toString().trim();
      const hidden = client.git('commit-tree', tree, '-p', 'HEAD', '-m', 'hidden').trim();
      // What an accepted push whose pack also held the hidden commit leaves behind: receive-pack
      // moves every object of the pack into the mirror, referenced or not.
      const harmless = client.commit('harmless', { 'ok.txt': 'ok\n' });
      const pack = execFileSync('git', ['pack-objects', '--stdout', '--revs'], { cwd: client.dir, env: GIT_ENV, input: `${harmless}\n${hidden}\n^origin/main\n` });
      execFileSync('git', ['index-pack', '--stdin', '--fix-thin'], { cwd: gate.mirror.dir, env: GIT_ENV, input: pack });
      const first = gate.push(client, 'origin', 'main');
      assert.equal(first.code, 0, first.output);
      const later = client.git('commit-tree', tree, '-p', harmless, '-m', 'later').trim();
      assertRefused(gate, gate.push(client, 'origin', `${later}:refs/heads/main`), secret, /github-pat .*leak\.env/);
    });

    it('a branch the upstream deleted, pushed again before the mirror refreshed', () => {
      const owner = ownerClone(gate, 'deleted-branch');
      const secret = PLANT.aws('deleted-branch');
      const leak = owner.commit('oops', { 'deploy/aws.env': `AWS_ACCESS_KEY_ID=${secret}\n` });
      owner.git('push', '-q', gate.upstream.dir, `${leak}:refs/heads/oops`);
      // The attacker's clone refreshes the mirror: it now has refs/heads/oops too.
      const client = gate.clone('deleted-branch');
      assert.equal(gate.mirror.ref('refs/heads/oops'), leak);
      // The owner deletes the branch upstream and the host drops its objects.
      owner.git('push', '-q', gate.upstream.dir, ':refs/heads/oops');
      upstreamGc(gate);
      assert.equal(gate.upstreamHolds(secret), false);
      // Pushing needs no refresh: the mirror still has the branch.
      assertRefused(gate, gate.push(client, 'origin', 'origin/oops:refs/heads/restored'), secret);
    });

    it('a blob of a commit the upstream force-pushed away, in a new commit of a clean-looking push', () => {
      const owner = ownerClone(gate, 'rewound');
      const base = owner.head();
      const secret = PLANT.stripe('rewound');
      const leak = owner.commit('oops', { 'pay/stripe.env': `STRIPE_KEY=${secret}\n` });
      owner.git('push', '-q', gate.upstream.dir, `${leak}:refs/heads/release`);
      const client = gate.clone('rewound');
      owner.git('push', '-q', '-f', gate.upstream.dir, `${base}:refs/heads/release`);
      upstreamGc(gate);
      // A new commit on main that holds the old blob under another name. The mirror's stale
      // refs/heads/release still reaches the blob, but is no edge of this push's history, so
      // rev-list lists the blob as new (as the forward's pack-objects does).
      client.git('checkout', '-q', 'main');
      client.git('read-tree', '-m', 'HEAD');
      client.git('update-index', '--add', '--cacheinfo', `100644,${client.git('rev-parse', `${leak}:pay/stripe.env`).trim()},docs/example.env`);
      const tree = client.git('write-tree').trim();
      const commit = client.git('commit-tree', tree, '-p', 'HEAD', '-m', 'docs').trim();
      assertRefused(gate, gate.push(client, 'origin', `${commit}:refs/heads/main`), secret);
    });
  });
});
