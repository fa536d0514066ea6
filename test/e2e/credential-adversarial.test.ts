// The helper fed directly, as git (or anything else) might feed it: hostile and malformed input on
// stdin to `gatehouse credential get|store|erase` and to the git-credential-gatehouse link. Each
// case wants either a clear error (stderr, non-zero exit) or exactly what git's own helpers do,
// nothing stored that should not be, no crash, and no secret on stderr.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { parseCredentialRequest } from '../../src/credential/protocol.ts';
import type { RunResult } from '../helpers/binary.ts';
import { assertBuilt } from '../helpers/binary.ts';
import { credentialSandbox, helper, storedCredentials, type CredentialSandbox, type StoredRow } from '../helpers/credential.ts';
import { tempDir } from '../helpers/tmp.ts';

const VICTIM_PASS = 'victim-pass-Zq81xLm';
const SECRET = 'adv-s3cret-Kp4wR7tY';

/** Finished on its own (no signal, no internal error or stack trace) and said nothing secret. */
function assertSane(r: RunResult, secrets: string[] = [SECRET, VICTIM_PASS]): void {
  assert.notEqual(r.code, null, 'the helper was killed (timeout or signal)');
  assert.ok([0, 1, 2].includes(r.code!), `exit code ${r.code}`);
  assert.doesNotMatch(r.stderr, /internal error|\n\s+at [\w.<]+ \(|Unhandled|node:internal/, `no crash: ${r.stderr.slice(0, 300)}`);
  for (const s of secrets) assert.equal(r.stderr.includes(s), false, 'a secret reached stderr');
  assert.ok(r.stderr.length < 2000, `stderr stays short (${r.stderr.length} bytes), it does not echo the input`);
}

function assertError(r: RunResult, pattern: RegExp): void {
  assertSane(r);
  assert.notEqual(r.code, 0, 'non-zero exit');
  assert.equal(r.stdout, '', 'no answer on stdout');
  assert.match(r.stderr, pattern);
}

describe('credential helper under hostile input', () => {
  let sb: CredentialSandbox;
  const cleanups: Array<() => void> = [];
  let baseline: StoredRow[];

  before(async () => {
    assertBuilt();
    sb = credentialSandbox(tempDir({ after: (fn: () => void) => cleanups.push(fn) }, 'gatehouse-cred-adv'));
    const stored = await helper(sb, 'store', `protocol=https\nhost=victim.example.com\nusername=victim\npassword=${VICTIM_PASS}\n\n`, { via: 'link' });
    assert.equal(stored.code, 0, stored.stderr);
    baseline = await storedCredentials(sb);
    assert.equal(baseline.length, 1);
  });
  after(() => cleanups.forEach((fn) => fn()));

  const link = (action: string, input: string | Buffer) => helper(sb, action, input, { via: 'link' });
  const cli = (action: string, input: string | Buffer) => helper(sb, action, input, { via: 'cli' });
  const assertNothingStored = async () => assert.deepEqual(await storedCredentials(sb), baseline, 'the store is unchanged');
  const victimAnswer = `username=victim\npassword=${VICTIM_PASS}\n`;

  describe('NUL bytes', () => {
    for (const [via, run] of [['link', link], ['cli', cli]] as const) {
      it(`store refuses a NUL in a value (${via})`, async () => {
        const r = await run('store', `protocol=https\nhost=nul.example.com\nusername=u\npassword=${SECRET}\0tail\n\n`);
        assertError(r, /NUL/);
        await assertNothingStored();
      });
    }
    it('get refuses a NUL that would end a C string early (host=victim.example.com\\0.evil)', async () => {
      const r = await link('get', 'protocol=https\nhost=victim.example.com\0.evil.example\n\n');
      assertError(r, /NUL/);
    });
  });

  describe('over-long and oversized input', () => {
    it('a line over 64 KiB is refused, and not echoed', async () => {
      const long = `${SECRET}${'x'.repeat(70_000)}`;
      for (const run of [link, cli]) {
        const r = await run('store', `protocol=https\nhost=long.example.com\nusername=u\npassword=${long}\n\n`);
        assertError(r, /too long/);
      }
      await assertNothingStored();
    });

    it('megabytes without a blank line are refused without reading them all', async () => {
      const flood = `protocol=https\nhost=flood.example.com\nusername=u\npassword=${SECRET}\n${'wwwauth[]=basic realm=x\n'.repeat(150_000)}`;
      assert.ok(flood.length > 3_000_000);
      const started = Date.now();
      const r = await link('store', flood);
      assertError(r, /too large/);
      assert.ok(Date.now() - started < 10_000, 'answers promptly');
      await assertNothingStored();
    });

    it('a request ends at its blank line: megabytes after it are never read (as git helpers do)', async () => {
      const r = await link('get', `protocol=https\nhost=victim.example.com\n\n${'junk=1\n'.repeat(500_000)}`);
      assertSane(r);
      assert.equal(r.code, 0, r.stderr);
      assert.equal(r.stdout, victimAnswer);
    });

    it('a few thousand array values parse', async () => {
      const r = await link('get', `protocol=https\nhost=victim.example.com\n${'wwwauth[]=Basic realm="a"\n'.repeat(2_000)}\n`);
      assertSane(r);
      assert.equal(r.code, 0, r.stderr);
      assert.equal(r.stdout, victimAnswer);
    });

    it(
      '30,000 array values (180 KB, well under the 1 MiB limit) are answered promptly',
      // (was quadratic: fixed by 9a4dff6, linear-time reading of array attributes)
      async () => {
        const started = Date.now();
        const r = await helper(sb, 'get', `protocol=https\nhost=victim.example.com\n${'wwwauth[]=x\n'.repeat(30_000)}\n`, { via: 'link', timeoutMs: 6_000 });
        assert.notEqual(r.code, null, `still busy after ${Date.now() - started} ms; killed`);
        assertSane(r);
        assert.equal(r.stdout, victimAnswer);
      },
    );
  });

  describe('framing: EOF, CRLF and CR', () => {
    it('a request ended by EOF with no blank line is complete (git reads to EOF)', async () => {
      for (const run of [link, cli]) {
        const got = await run('get', 'protocol=https\nhost=victim.example.com');
        assertSane(got);
        assert.equal(got.stdout, victimAnswer);
      }
      const stored = await link('store', `protocol=https\nhost=eof.example.com\nusername=eof-user\npassword=eof-pass`);
      assertSane(stored);
      assert.equal(stored.code, 0);
      const back = await link('get', 'protocol=https\nhost=eof.example.com\n\n');
      assert.equal(back.stdout, 'username=eof-user\npassword=eof-pass\n');
      assert.equal((await link('erase', 'protocol=https\nhost=eof.example.com')).code, 0);
      await assertNothingStored();
    });

    it('CRLF line endings read as git reads them (strbuf_getline drops the CR)', async () => {
      const got = await link('get', 'protocol=https\r\nhost=victim.example.com\r\n\r\n');
      assertSane(got);
      assert.equal(got.stdout, victimAnswer);
      assert.equal((await link('store', 'protocol=https\r\nhost=crlf.example.com\r\nusername=crlf-user\r\npassword=crlf-pass\r\n\r\n')).code, 0);
      const rows = await storedCredentials(sb);
      assert.ok(rows.some((r) => r.host === 'crlf.example.com' && r.username === 'crlf-user'), 'stored without the CRs');
      const back = await link('get', 'protocol=https\nhost=crlf.example.com\n\n');
      assert.equal(back.stdout, 'username=crlf-user\npassword=crlf-pass\n');
      await link('erase', 'protocol=https\nhost=crlf.example.com\n\n');
      await assertNothingStored();
    });

    it('a CR inside a value does not start a new line (no victim credential for the bad guy)', async () => {
      for (const request of [
        'protocol=https\nhost=badguy.example.com\rhost=victim.example.com\n\n',
        'protocol=https\nhost=badguy.example.com\r\nhost=badguy.example.com\rhost=victim.example.com\r\n\r\n',
        'protocol=https\nhost=badguy.example.com\npath=x\rhost=victim.example.com\n\n',
      ]) {
        const r = await link('get', request);
        assertSane(r);
        assert.equal(r.stdout.includes(VICTIM_PASS), false, `answered ${JSON.stringify(request)} with the victim's password`);
      }
    });

    it(
      'store refuses a value with a bare CR in it (git refuses them: credential.protectProtocol)',
      async () => {
        const r = await link('store', `protocol=https\nhost=cr.example.com\nusername=alice\rpassword=evil\npassword=${SECRET}\n\n`);
        assertSane(r);
        const rows = await storedCredentials(sb);
        await link('erase', 'protocol=https\nhost=cr.example.com\n\n'); // leave the sandbox clean for later cases
        assert.deepEqual(rows, baseline, 'nothing stored');
      },
    );
  });

  describe('attributes and actions git has not taught us', () => {
    it('unknown attributes are ignored, as git does', async () => {
      const r = await link('get', 'protocol=https\nfuture_thing=1\nhost=victim.example.com\nx-custom=a=b=c\nstate[]=helper:x\n\n');
      assertSane(r);
      assert.equal(r.code, 0, r.stderr);
      assert.equal(r.stdout, victimAnswer);
    });

    it('a line with no "=" is an error, as it is for git ("invalid credential line")', async () => {
      const r = await link('store', `protocol=https\nhost=noeq.example.com\nusername=u\npassword=${SECRET}\njunk\n\n`);
      assertError(r, /key=value/);
      await assertNothingStored();
    });

    it('an unknown action is silently ignored (git-credential-gatehouse frobnicate)', async () => {
      const r = await link('frobnicate', `protocol=https\nhost=victim.example.com\nusername=u\npassword=${SECRET}\n\n`);
      assert.deepEqual([r.code, r.stdout, r.stderr], [0, '', '']);
      await assertNothingStored();
    });

    it(
      'an unknown action is silently ignored (gatehouse credential frobnicate, as credential.helper="!gatehouse credential" runs it)',
      async () => {
        const r = await cli('frobnicate', `protocol=https\nhost=victim.example.com\n\n`);
        assertSane(r);
        await assertNothingStored();
        assert.deepEqual([r.code, r.stdout, r.stderr], [0, '', '']);
      },
    );

    it('no action at all is a usage error', async () => {
      const r = await helper(sb, '', '', { via: 'link' }).catch(() => null);
      // run() passes '' as an argument; the role sees an empty action
      assert.ok(r);
      assertSane(r);
      assert.equal(r.code, 2);
      assert.match(r.stderr, /usage/);
    });
  });

  describe('url= splitting', () => {
    it('url= gives protocol, host (with port), path, username and password', async () => {
      assert.equal((await link('store', `url=https://url-user:${SECRET}@url.example.com:8443/org/repo.git\n\n`)).code, 0);
      const rows = await storedCredentials(sb);
      const row = rows.find((r) => r.host === 'url.example.com:8443');
      assert.ok(row, JSON.stringify(rows));
      assert.deepEqual([row.protocol, row.path, row.username], ['https', 'org/repo.git', 'url-user']);
      const back = await link('get', 'protocol=https\nhost=url.example.com:8443\npath=org/repo.git\n\n');
      assert.equal(back.stdout, `username=url-user\npassword=${SECRET}\n`);
      assert.equal((await link('get', 'url=https://url.example.com:8443/org/repo.git\n\n')).stdout, `username=url-user\npassword=${SECRET}\n`);
      assert.equal((await link('get', 'url=https://url.example.com/org/repo.git\n\n')).stdout, '', 'the port is part of the host');
      await link('erase', 'url=https://url.example.com:8443/org/repo.git\n\n');
      await assertNothingStored();
    });

    it('an attribute after url= wins over the part url= set', async () => {
      const r = await link('get', 'url=https://badguy.example.com\nhost=victim.example.com\n\n');
      assert.equal(r.stdout, victimAnswer);
      const r2 = await link('get', 'url=https://victim.example.com\nhost=badguy.example.com\n\n');
      assert.equal(r2.stdout, '');
    });

    it(
      'url= resets what came before it, as git\'s credential_from_url does (credential_clear)',
      async () => {
        const r = await link('get', 'username=zzz\nurl=https://victim.example.com\n\n');
        assertSane(r);
        assert.equal(r.stdout, victimAnswer);
      },
    );

    it(
      'a key repeated after url= wins (host=a, url=..., host=b gives b)',
      async () => {
        const r = await link('get', 'host=badguy.example.com\nurl=https://other.example.com\nhost=victim.example.com\n\n');
        assertSane(r);
        assert.equal(r.stdout, victimAnswer);
      },
    );

    it(
      'a url= whose parts decode to a newline is refused and nothing is stored (git: "url contains a newline in its username component")',
      async () => {
        const r = await link('store', `url=https://a%0Ahost=victim.example.com:${SECRET}@badguy.example.com\n\n`);
        assertSane(r);
        const rows = await storedCredentials(sb);
        await link('erase', 'protocol=https\nhost=badguy.example.com\n\n');
        assert.notEqual(r.code, 0, 'an error');
        assert.deepEqual(rows, baseline, 'nothing stored');
      },
    );

    it(
      'a url= without a scheme is refused, not read as an empty request that matches everything',
      async () => {
        const r = await link('get', 'url=evil.example.com\n\n');
        assertSane(r);
        assert.equal(r.stdout, '', 'no credential');
        assert.notEqual(r.code, 0, 'an error, as git gives');
      },
    );

    it('a url= with a stray % is git\'s literal % or a clear error, never a secret on stderr', async () => {
      const r = await link('store', `url=https://pct-user:${SECRET}%zz@pct.example.com\n\n`);
      assertSane(r, [SECRET, `${SECRET}%zz`]);
      if (r.code === 0) {
        const back = await link('get', 'protocol=https\nhost=pct.example.com\n\n');
        assert.equal(back.stdout, `username=pct-user\npassword=${SECRET}%zz\n`);
        await link('erase', 'protocol=https\nhost=pct.example.com\n\n');
      } else assert.notEqual(r.stderr, '');
      await assertNothingStored();
    });
  });

  describe('array attributes', () => {
    it('wwwauth[] and capability[] are arrays; an empty value resets; the helper claims no capability it lacks', async () => {
      const request = 'capability[]=authtype\ncapability[]=state\nprotocol=https\nhost=victim.example.com\nwwwauth[]=Basic realm="one"\nwwwauth[]=\nwwwauth[]=Bearer realm="two"\n\n';
      // the reader itself (nothing the helper prints shows the arrays)
      const attrs = parseCredentialRequest(request);
      assert.deepEqual(attrs.get('wwwauth'), ['Bearer realm="two"'], 'the empty value reset the array');
      assert.deepEqual(attrs.get('capability'), ['authtype', 'state']);
      const r = await link('get', request);
      assertSane(r);
      assert.equal(r.code, 0, r.stderr);
      assert.equal(r.stdout, victimAnswer, 'only username and password: no capability[], authtype or credential it does not support');
    });
  });

  describe('what store keeps', () => {
    for (const value of ['true', '1']) {
      it(`ephemeral=${value} is not stored`, async () => {
        const r = await link('store', `protocol=https\nhost=ephemeral.example.com\nusername=u\npassword=${SECRET}\nephemeral=${value}\n\n`);
        assertSane(r);
        assert.equal(r.code, 0, r.stderr);
        await assertNothingStored();
      });
    }

    it(
      'ephemeral=yes is not stored either (git reads it with git_config_bool)',
      async () => {
        const r = await link('store', `protocol=https\nhost=ephemeral.example.com\nusername=u\npassword=${SECRET}\nephemeral=yes\n\n`);
        assertSane(r);
        const rows = await storedCredentials(sb);
        await link('erase', 'protocol=https\nhost=ephemeral.example.com\n\n');
        assert.deepEqual(rows, baseline);
      },
    );

    it(
      'store without a password line (or without a username line, or with only authtype/credential) stores nothing, as git\'s credential-store',
      async () => {
        assert.equal((await link('store', 'protocol=https\nhost=nopass.example.com\nusername=alice\n\n')).code, 0);
        assert.equal((await link('store', `protocol=https\nhost=nouser.example.com\npassword=${SECRET}\n\n`)).code, 0);
        // what git >= 2.46 sends for a bearer credential: authtype and credential, no username or password
        assert.equal((await link('store', `capability[]=authtype\nauthtype=Bearer\ncredential=${SECRET}\nprotocol=https\nhost=bearer.example.com\n\n`)).code, 0);
        const got = await link('get', 'protocol=https\nhost=nopass.example.com\n\n');
        const rows = await storedCredentials(sb);
        await link('erase', 'protocol=https\nhost=nopass.example.com\n\n');
        await link('erase', 'protocol=https\nhost=nouser.example.com\n\n');
        await link('erase', 'protocol=https\nhost=bearer.example.com\n\n');
        assert.equal(got.stdout, '', 'no empty password handed to git');
        assert.deepEqual(rows, baseline, 'nothing stored');
      },
    );

    it('store without protocol or host stores nothing', async () => {
      for (const request of [`host=x.example.com\nusername=u\npassword=${SECRET}\n\n`, `protocol=https\nusername=u\npassword=${SECRET}\n\n`]) {
        const r = await link('store', request);
        assertSane(r);
      }
      await assertNothingStored();
    });

    it('erase with a different password leaves the stored credential alone', async () => {
      const r = await link('erase', `protocol=https\nhost=victim.example.com\nusername=victim\npassword=wrong-${SECRET}\n\n`);
      assertSane(r);
      await assertNothingStored();
    });

    it(
      'erase with a blank request erases nothing (git\'s credential-store refuses a blank pattern)',
      async () => {
        const r = await link('erase', '\n');
        assertSane(r);
        const rows = await storedCredentials(sb);
        if (rows.length === 0) {
          // put the victim back for any later case
          await link('store', `protocol=https\nhost=victim.example.com\nusername=victim\npassword=${VICTIM_PASS}\n\n`);
          baseline = await storedCredentials(sb);
        }
        assert.equal(rows.length, 1, 'the stored credential survives');
      },
    );
  });
});
