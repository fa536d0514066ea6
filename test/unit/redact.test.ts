import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import { forgetAllSecrets, REDACTED, redactText, redactValue, registerSecret } from '../../src/log/redact.ts';

// Fake values shaped like real credentials; none of them is live.
const FAKE_GITHUB = 'ghp_' + 'A1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6Q7r8';
const FAKE_AWS_ID = 'AKIA' + 'Z7FAKEKEYID00042';
const FAKE_JWT = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJnYXRlaG91c2UtdGVzdCJ9.c2lnbmF0dXJlLWZha2U';

describe('redactText', () => {
  afterEach(() => forgetAllSecrets());

  it('masks a registered secret wherever it appears', () => {
    registerSecret('hunter2-but-longer');
    const out = redactText('upstream said: bad password hunter2-but-longer (hunter2-but-longer)');
    assert.equal(out.includes('hunter2-but-longer'), false);
    assert.equal(out.split(REDACTED).length - 1, 2);
  });

  it('ignores registrations too short to be a secret, so words are not eaten', () => {
    registerSecret('abc');
    assert.equal(redactText('abc def'), 'abc def');
  });

  it('masks URL userinfo passwords but keeps the user and host', () => {
    const out = redactText('fetch https://bot:s3cr3t-pa55@git.example.test/org/repo.git failed');
    assert.equal(out, `fetch https://bot:${REDACTED}@git.example.test/org/repo.git failed`);
  });

  it('masks Authorization header values', () => {
    assert.equal(redactText('Authorization: Bearer abcdefghijklmnop123'), `Authorization: Bearer ${REDACTED}`);
    assert.equal(redactText('Authorization: Basic Ym90OnNlY3JldHBhc3M='), `Authorization: Basic ${REDACTED}`);
  });

  it('masks credential-shaped tokens it never loaded, keeping a recognisable head', () => {
    for (const [secret, head] of [
      [FAKE_GITHUB, 'ghp_'],
      [FAKE_AWS_ID, 'AKIAZ7FA'],
      ['glpat-' + 'x9Y8z7W6v5U4t3S2r1Q0', 'glpat-'],
      ['xoxb-' + '123456789012-abcdefghijkl', 'xoxb-'],
      ['sk-ant-' + 'api03-abcdefghijklmnopqrstuvwxyz', 'sk-ant-'],
    ] as const) {
      const out = redactText(`token is ${secret} here`);
      assert.equal(out.includes(secret), false, `${head} survived: ${out}`);
      assert.ok(out.includes(head), `${head} head lost: ${out}`);
    }
    assert.equal(redactText(FAKE_JWT).includes('c2lnbmF0dXJl'), false);
  });

  it('masks private key blocks, also with escaped newlines', () => {
    const pem = '-----BEGIN RSA PRIVATE KEY-----\nMIIBOgIBAAJBAKj34GkxFhD90vcNLYLInFEX6Ppy1tPf9Cnzj4p4WGeKLs1Pt8Qu\n-----END RSA PRIVATE KEY-----';
    assert.equal(redactText(`key: ${pem}`).includes('MIIBOgIBAAJB'), false);
    assert.equal(redactText(JSON.stringify({ key: pem })).includes('MIIBOgIBAAJB'), false);
  });

  it('masks secret-named assignments', () => {
    assert.equal(redactText('password=correct-horse-battery'), `password=${REDACTED}`);
    assert.equal(redactText('"api_key": "k-12345678"'), `"api_key": "${REDACTED}"`);
  });

  it('leaves ordinary text alone', () => {
    const text = 'fetched 42 refs from https://git.example.test/org/repo.git in 120 ms';
    assert.equal(redactText(text), text);
  });

  it('leaves text with no credential keyword as it is, and still masks every shape in any case', () => {
    for (const plain of ['/api/small', '2030-01-01T00:00:00.000Z', 'a1b2c3-2f', 'GET', '7c6284b6-d85a-40f9-8393-a6e906202c86']) {
      assert.equal(redactText(plain), plain);
    }
    assert.equal(redactText('TOKEN=abcdefgh12'), `TOKEN=${REDACTED}`);
    assert.equal(redactText('Client_Secret: abcdefgh12'), `Client_Secret: ${REDACTED}`);
    assert.equal(redactText('HTTPS://bot:pa55word1@host/x'), `HTTPS://bot:${REDACTED}@host/x`);
    assert.equal(redactText(`npm_${'a1B2'.repeat(9)}`), `npm_${REDACTED}`);
    assert.equal(redactText('token abcdefgh1234'), `token ${REDACTED}`);
  });
});

describe('redactValue', () => {
  afterEach(() => forgetAllSecrets());

  it('redacts nested strings and error messages, keeping structure', () => {
    registerSecret('nested-secret-value');
    const out = redactValue({ a: ['x nested-secret-value'], b: { c: new Error('boom nested-secret-value') }, n: 3 }) as {
      a: string[];
      b: { c: { message: string } };
      n: number;
    };
    assert.deepEqual(out.a, [`x ${REDACTED}`]);
    assert.equal(out.b.c.message, `boom ${REDACTED}`);
    assert.equal(out.n, 3);
  });
});
