// The credential protocol's reader and writer on their own: every line here is something an
// attacker who controls a URL, a remote's config or git's input can make git send the helper.
import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { describe, it } from 'node:test';
import { CredentialProtocolError, formatCredentialResponse, MAX_LINE_BYTES, MAX_REQUEST_BYTES, parseCredentialRequest, readCredentialRequest } from '../../src/credential/protocol.ts';
import { fromAttributes, splitUrl } from '../../src/credential/request.ts';

const refused = (text: string, message: RegExp) =>
  assert.throws(() => fromAttributes(parseCredentialRequest(text)), (error: unknown) => error instanceof CredentialProtocolError && message.test(error.message));

describe('credential protocol: reading a request', () => {
  it('reads key=value lines up to the blank line; later values win; a value may hold "="', () => {
    const c = fromAttributes(parseCredentialRequest('protocol=https\nhost=a.example\nhost=b.example\npassword=x=y==\n\nhost=after-the-blank\n'));
    assert.deepEqual([c.protocol, c.host, c.password], ['https', 'b.example', 'x=y==']);
    assert.equal(c.present.password, true);
    assert.equal(c.present.username, false);
  });

  it('accepts CRLF line ends and EOF without a blank line', () => {
    const c = fromAttributes(parseCredentialRequest('protocol=https\r\nhost=h.example\r\n'));
    assert.deepEqual([c.protocol, c.host], ['https', 'h.example']);
  });

  it('refuses a NUL anywhere, a carriage return inside a value, a line without a key, an over-long line', () => {
    refused('protocol=https\nhost=a\0b\n\n', /NUL byte/);
    refused('protocol=https\nhost=a.example\rpassword=forged\n\n', /carriage return/);
    refused('protocol=https\n=value\n\n', /without a key/);
    refused('protocol=https\njust text\n\n', /without a key/);
    refused(`protocol=https\nwwwauth[]=${'a'.repeat(MAX_LINE_BYTES)}\n\n`, /too long/);
  });

  it('arrays: key[] collects values in order and an empty value resets them, as git does', () => {
    const c = fromAttributes(parseCredentialRequest('capability[]=authtype\nwwwauth[]=Basic realm=a\nwwwauth[]=\nwwwauth[]=Bearer\ncapability[]=state\n\n'));
    assert.deepEqual(c.wwwauth, ['Bearer']);
    assert.deepEqual(c.capability, ['authtype', 'state']);
  });

  it('url= clears every field before it and sets its parts; lines after it still win', () => {
    const c = fromAttributes(parseCredentialRequest('host=stale.example\npassword=stale\nurl=https://u%40x:p%3Aw@h.example:8443/org/repo.git?q#f\npath=later\n\n'));
    assert.deepEqual([c.protocol, c.host, c.username, c.password, c.path], ['https', 'h.example:8443', 'u@x', 'p:w', 'later']);
    assert.deepEqual(c.present, { username: true, password: true });
  });

  it('url= refuses what would forge a line once decoded (CVE-2020-5260), malformed escapes and no scheme', () => {
    refused('url=https://h.example%0ahost=evil.example/\n\n', /newline or NUL in its host/);
    refused('url=https://u%0d:p@h.example/\n\n', /newline or NUL in its username/);
    refused('url=https://h.example/a%00b\n\n', /newline or NUL in its path/);
    refused('url=https://h.example/%zz\n\n', /malformed percent-encoding in its path/);
    refused('url=h.example/path\n\n', /url has no scheme/);
  });

  it('splitUrl: userinfo only before the host; ? and # end the host', () => {
    assert.deepEqual(splitUrl('https://h.example?x=@evil.example/'), { protocol: 'https', host: 'h.example', path: '' });
    assert.deepEqual(splitUrl('https://h.example#@evil.example/'), { protocol: 'https', host: 'h.example', path: '' });
    assert.deepEqual(splitUrl('https://user@h.example/p'), { protocol: 'https', host: 'h.example', path: 'p', username: 'user' });
    assert.deepEqual(splitUrl('not a url'), {});
  });

  it('a stream is read to the blank line, and a request over the size limit is refused before it is all read', async () => {
    const request = await readCredentialRequest(Readable.from([Buffer.from('protocol=https\nho'), Buffer.from('st=h.example\n'), Buffer.from('\nignored=1\n')]));
    assert.deepEqual([...request.keys()], ['protocol', 'host']);
    let pulled = 0;
    const endless = new Readable({
      read() {
        pulled++;
        this.push(Buffer.from(`wwwauth[]=${'a'.repeat(60_000)}\n`));
      },
    });
    await assert.rejects(readCredentialRequest(endless), /credential request is too large/);
    assert.ok(pulled * 60_011 <= MAX_REQUEST_BYTES + 2 * 60_011, `read ${pulled} chunks: it stopped at the limit`);
    endless.destroy();
  });
});

describe('credential protocol: writing an answer', () => {
  it('writes key=value lines, arrays as key[]=', () => {
    assert.equal(formatCredentialResponse([['username', 'x-access-token'], ['password', 'p=w'], ['capability', ['authtype']]]), 'username=x-access-token\npassword=p=w\ncapability[]=authtype\n');
  });

  it('refuses a value with a newline or NUL and a key with "=", so no answer can forge a line', () => {
    for (const attributes of [[['password', 'a\nusername=evil']], [['password', 'a\0b']], [['pass=word', 'x']]] as Array<Array<[string, string]>>) {
      assert.throws(() => formatCredentialResponse(attributes), CredentialProtocolError);
    }
  });
});
