// gatehouse shim: the API is no way around the gate. The github preset reads only (GET, HEAD and
// GraphQL queries); on routes that allow writes, bodies that carry repository content (git data
// API, contents API, GraphQL commits, gists) and every body of a scan_bodies route are scanned by
// the gate's engine (base64 decoded) before anything goes upstream, refused 403 with redacted
// findings, and bounded (413 past shim.max_scan_body_bytes). A real recorder upstream on 127.0.0.1.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { assertBuilt, BINARY, run } from '../helpers/binary.ts';
import { PLANT } from '../helpers/secrets.ts';
import {
  assertNoSecret,
  mintShimToken,
  readLog,
  request,
  route,
  shimSandbox,
  startShim,
  startUpstream,
  writeShimConfig,
  type RunningShim,
  type ShimSandbox,
  type Upstream,
} from '../helpers/shim.ts';

const MAX_SCAN = 4096;
const WRITES = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE'];

interface Refusal {
  error: string;
  findings?: Array<{ rule: string; description: string; where: string; line?: string }>;
}

describe('shim body scanning', () => {
  const cleanups: Array<() => void> = [];
  const clientText: string[] = [];
  const planted: string[] = [];
  let box: ShimSandbox;
  let recorder: Upstream;
  let shim: RunningShim;
  let writer: string;
  let reader: string;

  const plant = (seed: string) => {
    const secret = PLANT.github(seed);
    planted.push(secret, Buffer.from(secret).toString('base64'));
    return secret;
  };
  const send = async (path: string, options: { method?: string; body?: string | Buffer; token?: string; headers?: Record<string, string> } = {}) => {
    const r = await request(shim.url, path, {
      method: options.method ?? 'POST',
      headers: { 'x-gatehouse-token': options.token ?? writer, 'content-type': 'application/json', ...options.headers },
      ...(options.body !== undefined ? { body: options.body } : {}),
    });
    clientText.push(r.text);
    return r;
  };
  /** Sends a request that must be refused with findings; returns them after checking nothing went upstream. */
  const refused = async (path: string, body: unknown, method = 'POST'): Promise<Refusal> => {
    const before = recorder.seen.length;
    const r = await send(path, { method, body: typeof body === 'string' ? body : JSON.stringify(body) });
    assert.equal(r.status, 403, r.text);
    assert.equal(recorder.seen.length, before, 'the refused request reached the upstream');
    const json = JSON.parse(r.text) as Refusal;
    assert.match(json.error, /holds secrets/);
    assert.ok(json.findings?.some((f) => f.rule === 'github-pat'), r.text);
    for (const secret of planted) assert.ok(!r.text.includes(secret), 'a planted secret came back to the client');
    return json;
  };
  const b64 = (text: string) => Buffer.from(text).toString('base64');

  before(async () => {
    assertBuilt();
    box = shimSandbox({ after: (fn) => cleanups.push(fn) });
    recorder = await startUpstream();
    // The github preset as printed, pointed at the recorder.
    const preset = await run(BINARY, ['shim', 'routes', '--preset', 'github'], { env: box.env });
    assert.equal(preset.code, 0, preset.stderr);
    const github = preset.stdout
      .replace(/credential = "[^"]*"/g, 'credential = "env:UPSTREAM_SECRET"')
      .replaceAll('https://api.github.com', recorder.url)
      .replaceAll('https://github.com', recorder.url);
    writeShimConfig(
      box,
      [
        `[shim]\nmax_scan_body_bytes = ${MAX_SCAN}\n`,
        github,
        route('/rw/', recorder.url, { methods: WRITES }),
        route('/scanned/', recorder.url, { methods: ['GET', 'POST'], scan_bodies: true }),
        route('/plain/', recorder.url, { methods: ['GET', 'POST'] }),
      ].join('\n'),
    );
    writer = (await mintShimToken(box, ['*'], WRITES)).token;
    reader = (await mintShimToken(box, ['/github/'], ['GET'])).token;
    shim = await startShim(box);
  });

  after(async () => {
    await shim?.stop();
    await recorder?.close();
    for (const fn of cleanups) fn();
  });

  it('the github preset reads only: the git data and contents APIs are 405, nothing forwarded', async () => {
    const before = recorder.seen.length;
    const blob = { content: b64('hello\n'), encoding: 'base64' };
    assert.equal((await send('/github/repos/o/r/git/blobs', { body: JSON.stringify(blob) })).status, 405);
    assert.equal((await send('/github/repos/o/r/git/refs', { body: '{"ref":"refs/heads/x","sha":"0000000000000000000000000000000000000000"}' })).status, 405);
    assert.equal((await send('/github/repos/o/r/contents/a.txt', { method: 'PUT', body: JSON.stringify({ message: 'm', content: b64('x') }) })).status, 405);
    assert.equal((await send('/github/user', { method: 'DELETE' })).status, 405);
    assert.equal(recorder.seen.length, before);
    const read = await send('/github/repos/o/r', { method: 'GET', token: reader });
    assert.equal(read.status, 200);
  });

  it('the github preset takes GraphQL queries (a GET token suffices), forwarded byte for byte', async () => {
    const body = JSON.stringify({ query: 'query Repo($o: String!) { repository(owner: $o, name: "r") { id } } # a "comment" { mutation', variables: { o: 'o' } });
    const r = await send('/github/graphql', { body, token: reader });
    assert.equal(r.status, 200, r.text);
    const seen = recorder.seen.at(-1)!;
    assert.equal(seen.method, 'POST');
    assert.equal(seen.url, '/graphql');
    assert.equal(seen.body.toString(), body);
    assert.equal(seen.headers.authorization, `Bearer ${box.secret}`);
    assert.equal((await send('/github/graphql', { body: JSON.stringify({ query: '{ viewer { login } }' }), token: reader })).status, 200);
  });

  it('the github preset refuses GraphQL mutations, subscriptions and bodies it cannot read: 403, nothing forwarded', async () => {
    const before = recorder.seen.length;
    const commit = 'mutation { createCommitOnBranch(input: {branch: {repositoryNameWithOwner: "o/r", branchName: "main"}, message: {headline: "x"}, expectedHeadOid: "0", fileChanges: {additions: [{path: "a", contents: "eA=="}]}}) { commit { oid } } }';
    for (const body of [
      JSON.stringify({ query: commit }),
      JSON.stringify({ query: `query A { viewer { login } } ${commit}` }),
      JSON.stringify({ query: 'subscription { x }' }),
      JSON.stringify([{ query: '{ viewer { login } }' }, { query: commit }]),
      JSON.stringify({ query: '{ viewer { login } ' }),
      JSON.stringify({ variables: {} }),
      'mutation { deleteRef(input: {refId: "x"}) { clientMutationId } }',
      '',
    ]) {
      const r = await send('/github/graphql', { body, token: reader });
      assert.equal(r.status, 403, `${body}: ${r.text}`);
      assert.match(JSON.parse(r.text).error, /only GraphQL queries/);
    }
    assert.equal(recorder.seen.length, before);
  });

  it('git data API: a blob whose base64 content holds a secret is refused with redacted findings; a clean one goes through whole', async () => {
    const secret = plant('blob');
    const json = await refused('/rw/repos/o/r/git/blobs', { content: b64(`const token = "${secret}";\n`), encoding: 'base64' });
    assert.ok(json.findings!.some((f) => /\$\.content, base64-decoded/.test(f.where) && f.line?.includes('[REDACTED]')), JSON.stringify(json));
    const clean = JSON.stringify({ content: b64('just text\n'), encoding: 'base64' });
    const r = await send('/rw/repos/o/r/git/blobs', { body: clean });
    assert.equal(r.status, 200, r.text);
    assert.equal(recorder.seen.at(-1)!.body.toString(), clean);
    assert.equal(recorder.seen.at(-1)!.url, '/repos/o/r/git/blobs');
  });

  it('git data API: tree entries with inline content, commits, tags and refs are scanned', async () => {
    await refused('/rw/repos/o/r/git/trees', { base_tree: 'abc', tree: [{ path: 'config.env', mode: '100644', type: 'blob', content: `A=1\nTOKEN=${plant('tree')}\n` }] });
    await refused('/rw/repos/o/r/git/commits', { message: `oops ${plant('commit')}`, tree: 'abc', parents: [] });
    await refused('/rw/repos/o/r/git/tags', { tag: 'v1', message: `key ${plant('tag')}`, object: 'abc', type: 'commit' });
    await refused('/rw/repos/o/r/git/refs/heads/main', { sha: plant('ref'), force: true }, 'PATCH');
  });

  it('contents API: PUT with base64 content holding a secret is refused (also spelled with // and upper case)', async () => {
    const body = { message: 'add', content: b64(`token: ${plant('contents')}\n`), branch: 'main' };
    await refused('/rw/repos/o/r/contents/dir/file.yml', body, 'PUT');
    await refused('/rw/REPOS/o/r/Contents/file.yml', body, 'PUT');
    await refused('/rw//repos/o/r//contents/file.yml', body, 'PUT');
    await refused('/rw/repos/o/r/%63ontents/file.yml', body, 'PUT');
  });

  it('GraphQL createCommitOnBranch: contents in variables or inline in the query are decoded and scanned', async () => {
    const contents = b64(`export const KEY = '${plant('graphql')}';\n`);
    const mutation = 'mutation ($input: CreateCommitOnBranchInput!) { createCommitOnBranch(input: $input) { commit { url } } }';
    const input = { branch: { repositoryNameWithOwner: 'o/r', branchName: 'main' }, message: { headline: 'x' }, expectedHeadOid: 'abc', fileChanges: { additions: [{ path: 'k.ts', contents }] } };
    const viaVariables = await refused('/rw/graphql', { query: mutation, variables: { input } });
    assert.ok(viaVariables.findings!.some((f) => f.where.includes('$.variables.input.fileChanges.additions[0].contents, base64-decoded')), JSON.stringify(viaVariables));
    const inline = `mutation { createCommitOnBranch(input: {branch: {repositoryNameWithOwner: "o/r", branchName: "main"}, message: {headline: "x"}, expectedHeadOid: "abc", fileChanges: {additions: [{path: "k.ts", contents: "${contents}"}]}}) { commit { url } } }`;
    const viaQuery = await refused('/rw/graphql', { query: inline });
    assert.ok(viaQuery.findings!.some((f) => f.where.includes('string in $.query, base64-decoded')), JSON.stringify(viaQuery));
    // A clean mutation on a route that allows POST goes through.
    const clean = JSON.stringify({ query: mutation, variables: { input: { ...input, fileChanges: { additions: [{ path: 'k.ts', contents: b64('ok\n') }] } } } });
    assert.equal((await send('/rw/graphql', { body: clean })).status, 200);
    assert.equal(recorder.seen.at(-1)!.body.toString(), clean);
  });

  it('gists are scanned too', async () => {
    await refused('/rw/gists', { public: true, files: { 'a.txt': { content: `here: ${plant('gist')}` } } });
  });

  it('scan_bodies scans every body on its route; a route without it streams bodies unread', async () => {
    const secret = plant('scanned');
    await refused('/scanned/anything', `plain text ${secret}\n`);
    const r = await send('/plain/anything', { body: `plain text ${secret}\n`, headers: { 'content-type': 'text/plain' } });
    assert.equal(r.status, 200);
    assert.equal(recorder.seen.at(-1)!.body.toString(), `plain text ${secret}\n`);
  });

  it('a scanned body over shim.max_scan_body_bytes is refused 413, declared or chunked; under it, chunked arrives whole', async () => {
    const before = recorder.seen.length;
    const big = 'a'.repeat(MAX_SCAN + 1);
    const declared = await send('/scanned/x', { body: big });
    assert.equal(declared.status, 413, declared.text);
    const chunked = await send('/rw/repos/o/r/git/blobs', { body: big, headers: { 'transfer-encoding': 'chunked' } });
    assert.equal(chunked.status, 413, chunked.text);
    assert.equal(recorder.seen.length, before);
    const small = JSON.stringify({ content: 'fine', encoding: 'utf-8' });
    assert.equal((await send('/rw/repos/o/r/git/blobs', { body: small, headers: { 'transfer-encoding': 'chunked' } })).status, 200);
    assert.equal(recorder.seen.at(-1)!.body.toString(), small);
    // A route that does not scan keeps streaming a body of any size.
    assert.equal((await send('/plain/big', { body: big.repeat(4) })).status, 200);
    assert.equal(recorder.seen.at(-1)!.body.length, big.length * 4);
  });

  it('no planted secret and no upstream secret reached the client, stderr or the log; refusals are logged', () => {
    const log = readLog(box);
    const text = [clientText.join('\n'), shim.stderr(), JSON.stringify(log)].join('\n');
    for (const secret of planted) assert.ok(!text.includes(secret), 'a planted secret leaked');
    assertNoSecret(box, text, 'client, stderr or log');
    assert.ok(log.some((l) => l.msg === 'request refused: secrets in the body' && JSON.stringify(l.findings).includes('github-pat')), 'no refusal line in the log');
  });
});
