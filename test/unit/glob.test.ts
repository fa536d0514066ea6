// gatehouse's one glob dialect (config/glob.ts) and what it means in a [[credential.rule]]
// (credential/rule-match.ts), including hosts an attacker would pick to slip past a glob.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { globMatches, HOST_GLOB, PATH_GLOB, URL_PATH_GLOB } from '../../src/config/glob.ts';
import { isValidHost, matchRule, ruleMismatch } from '../../src/credential/rule-match.ts';

describe('glob dialect', () => {
  const cases: Array<[string, string, boolean, typeof PATH_GLOB?]> = [
    // refs and paths (ref policy, allow_unscannable, token repos): * within a segment, ** across
    ['refs/heads/agent/*', 'refs/heads/agent/x', true],
    ['refs/heads/agent/*', 'refs/heads/agent/x/y', false],
    ['refs/heads/agent/**', 'refs/heads/agent/x/y', true],
    ['refs/heads/a.b', 'refs/heads/aXb', false],
    ['refs/heads/a?', 'refs/heads/ab', false], // no ? wildcard
    ['refs/heads/a?', 'refs/heads/a?', true],
    ['dist/[ab].zip', 'dist/[ab].zip', true], // no classes
    ['dist/[ab].zip', 'dist/a.zip', false],
    ['dist/*.zip', 'dist/A.ZIP', false], // case kept
    ['**', '', true],
    ['*', '', true],
    ['a(b)+c$', 'a(b)+c$', true], // regex syntax is literal
    // hosts: * within a label, never across "." or ":"
    ['*.example.com', 'api.example.com', true, HOST_GLOB],
    ['*.example.com', 'a.b.example.com', false, HOST_GLOB],
    ['*.example.com', 'API.EXAMPLE.COM', true, HOST_GLOB],
    ['example.com:*', 'example.com:8443', true, HOST_GLOB],
    ['*', 'a:1', false, HOST_GLOB],
    ['**.example.com', 'a.b.example.com', true, HOST_GLOB],
    // request paths: * within a segment, and ? and # end one too
    ['org/*', 'org/app.git', true, URL_PATH_GLOB],
    ['org/*', 'org/app?x=1', false, URL_PATH_GLOB],
    ['org/*', 'org/app#x', false, URL_PATH_GLOB],
  ];
  for (const [glob, text, expected, dialect] of cases) {
    it(`${JSON.stringify(glob)} ${expected ? 'matches' : 'does not match'} ${JSON.stringify(text)}${dialect === HOST_GLOB ? ' (host)' : dialect === URL_PATH_GLOB ? ' (url path)' : ''}`, () => {
      assert.equal(globMatches(glob, text, dialect ?? PATH_GLOB), expected);
    });
  }
});

describe('credential rule matching', () => {
  type Case = { rule: { protocol?: string; host?: string; path?: string }; request: { protocol?: string; host: string; path?: string }; covers: boolean; why?: RegExp };
  const cases: Case[] = [
    // protocol: https unless the rule says otherwise (the schema's default is "https")
    { rule: { host: 'example.com' }, request: { host: 'example.com' }, covers: true },
    { rule: { host: 'example.com' }, request: { protocol: 'HTTPS', host: 'example.com' }, covers: true },
    { rule: { host: 'example.com' }, request: { protocol: 'http', host: 'example.com' }, covers: false, why: /protocol "http" is not https/ },
    { rule: { protocol: 'http', host: 'example.com' }, request: { protocol: 'http', host: 'example.com' }, covers: true },
    { rule: { protocol: 'http', host: 'example.com' }, request: { host: 'example.com' }, covers: false },
    { rule: { protocol: '*', host: 'example.com' }, request: { protocol: 'http', host: 'example.com' }, covers: true },
    { rule: { protocol: '*', host: 'example.com' }, request: { host: 'example.com' }, covers: true },
    { rule: { host: 'example.com' }, request: { protocol: '', host: 'example.com' }, covers: false },
    // an exact host
    { rule: { host: 'example.com' }, request: { host: 'EXAMPLE.com' }, covers: true },
    { rule: { host: 'example.com' }, request: { host: 'example.com.evil.com' }, covers: false },
    { rule: { host: 'example.com' }, request: { host: 'evil-example.com' }, covers: false },
    { rule: { host: 'example.com' }, request: { host: 'example.com.' }, covers: false }, // a trailing dot is part of the name
    { rule: { host: 'example.com' }, request: { host: 'example.com:443' }, covers: false }, // the port is part of the host
    { rule: { host: 'example.com' }, request: { host: 'example.com:443@evil' }, covers: false, why: /not a host name/ },
    { rule: { host: 'example.com' }, request: { host: 'user@example.com' }, covers: false, why: /not a host name/ },
    { rule: { host: 'example.com' }, request: { host: '' }, covers: false },
    // one label of wildcard
    { rule: { host: '*.example.com' }, request: { host: 'api.example.com' }, covers: true },
    { rule: { host: '*.example.com' }, request: { host: 'Api.Example.Com' }, covers: true },
    { rule: { host: '*.example.com' }, request: { host: 'a.b.example.com' }, covers: false },
    { rule: { host: '*.example.com' }, request: { host: 'example.com' }, covers: false },
    { rule: { host: '*.example.com' }, request: { host: 'evil.com#.example.com' }, covers: false, why: /not a host name/ },
    { rule: { host: '*.example.com' }, request: { host: 'evil.com?.example.com' }, covers: false },
    { rule: { host: '*.example.com' }, request: { host: 'evil.com/.example.com' }, covers: false },
    { rule: { host: '*.example.com' }, request: { host: 'evil.com:443.example.com' }, covers: false },
    { rule: { host: '*.example.com' }, request: { host: 'evil.com\\.example.com' }, covers: false },
    { rule: { host: '*.example.com' }, request: { host: 'evil .example.com' }, covers: false },
    { rule: { host: '*.example.com' }, request: { host: 'api.example.com:8443' }, covers: false },
    { rule: { host: '*.example.com' }, request: { host: 'api.example.com.' }, covers: false },
    { rule: { host: '*.example.com' }, request: { host: '.example.com' }, covers: false },
    { rule: { host: '*.example.com' }, request: { host: 'аpi.example.com' }, covers: false }, // Cyrillic а
    { rule: { host: 'git-*.example.com' }, request: { host: 'git-eu.example.com' }, covers: true },
    { rule: { host: 'git-*.example.com' }, request: { host: 'git-eu.evil.example.com' }, covers: false },
    { rule: { host: '**.example.com' }, request: { host: 'a.b.example.com' }, covers: true },
    { rule: { host: '**.example.com' }, request: { host: 'example.com' }, covers: false },
    { rule: { host: '**.example.com' }, request: { host: 'evil.com#.example.com' }, covers: false },
    // ports
    { rule: { host: 'example.com:*' }, request: { host: 'example.com:8443' }, covers: true },
    { rule: { host: 'example.com:*' }, request: { host: 'example.com' }, covers: false },
    { rule: { host: 'example.com:*' }, request: { host: 'example.com:443@evil' }, covers: false },
    { rule: { host: 'example.com:*' }, request: { host: 'example.com:1.evil.com' }, covers: false },
    { rule: { protocol: 'http', host: '127.0.0.1:*' }, request: { protocol: 'http', host: '127.0.0.1:8080' }, covers: true },
    { rule: { protocol: 'http', host: '127.0.0.1:*' }, request: { protocol: 'http', host: '127.0.0.2:8080' }, covers: false, why: /host "127\.0\.0\.2:8080" does not match 127\.0\.0\.1:\*/ },
    // IPv6 literals
    { rule: { host: '[::1]:*' }, request: { host: '[::1]:8443' }, covers: true },
    { rule: { host: '[::1]' }, request: { host: '[::1]' }, covers: true },
    { rule: { host: '[::1]' }, request: { host: '[::2]' }, covers: false },
    { rule: { host: '*:8443' }, request: { host: '[::1]:8443' }, covers: false },
    { rule: { host: '*' }, request: { host: '[fe80::1%eth0]:443' }, covers: true },
    // "*" alone is any host, but still a host
    { rule: { host: '*' }, request: { host: 'anything.example' }, covers: true },
    { rule: { host: '*' }, request: { host: '' }, covers: true },
    { rule: { host: '*' }, request: { host: 'evil.com#x' }, covers: false, why: /not a host name/ },
    { rule: { host: '*' }, request: { host: 'a@b' }, covers: false },
    // paths: empty is any; otherwise * within a segment, ** across, case kept
    { rule: { host: 'example.com', path: '' }, request: { host: 'example.com', path: 'any/thing.git' }, covers: true },
    { rule: { host: 'example.com', path: 'org/*' }, request: { host: 'example.com', path: 'org/app.git' }, covers: true },
    { rule: { host: 'example.com', path: 'org/*' }, request: { host: 'example.com', path: 'org/app/x.git' }, covers: false },
    { rule: { host: 'example.com', path: 'org/*' }, request: { host: 'example.com', path: 'Org/app.git' }, covers: false },
    { rule: { host: 'example.com', path: 'org/*' }, request: { host: 'example.com', path: 'org' }, covers: false },
    { rule: { host: 'example.com', path: 'org/*' }, request: { host: 'example.com', path: '' }, covers: false, why: /path \(none\) does not match org\/\*/ },
    { rule: { host: 'example.com', path: 'org/*' }, request: { host: 'example.com', path: 'org/app.git?x=/y' }, covers: false },
    { rule: { host: 'example.com', path: 'org/**' }, request: { host: 'example.com', path: 'org/a/b/c.git' }, covers: true },
    { rule: { host: 'example.com', path: 'org/**' }, request: { host: 'example.com', path: 'orgx/a.git' }, covers: false },
  ];
  for (const c of cases) {
    const rule = { protocol: c.rule.protocol ?? 'https', host: c.rule.host ?? '*', path: c.rule.path ?? '' };
    const request = { protocol: c.request.protocol ?? 'https', host: c.request.host, path: c.request.path ?? '' };
    it(`${rule.protocol}://${rule.host}/${rule.path} ${c.covers ? 'covers' : 'does not cover'} ${JSON.stringify(`${request.protocol}://${request.host}/${request.path}`)}`, () => {
      const why = ruleMismatch(rule, request);
      assert.equal(why === null, c.covers, why ?? 'covered');
      if (c.why) assert.match(why!, c.why);
    });
  }

  it('valid hosts: names, ports, IPv6; not userinfo, URL syntax, spaces or non-ASCII', () => {
    for (const ok of ['example.com', 'EXAMPLE.COM', 'a-b_c.example', 'localhost', 'example.com.', 'example.com:443', '127.0.0.1:8080', '[::1]', '[::1]:8080', '[fe80::1%eth0]']) assert.ok(isValidHost(ok), ok);
    for (const bad of ['', '.', '.example.com', 'a..b', 'user@example.com', 'example.com:443@evil', 'evil.com#.example.com', 'a/b', 'a?b', 'a b', 'a:b', 'a:1:2', 'exämple.com', '[::1', 'example.com:123456', 'a\nb']) assert.equal(isValidHost(bad), false, bad);
  });

  it('the first rule that covers a request answers it', () => {
    const rules = [
      { name: 'one', protocol: 'https', host: 'a.example.com', path: '' },
      { name: 'wild', protocol: 'https', host: '*.example.com', path: '' },
      { name: 'any', protocol: '*', host: '*', path: '' },
    ];
    assert.equal(matchRule(rules, { protocol: 'https', host: 'a.example.com', path: '' })?.name, 'one');
    assert.equal(matchRule(rules, { protocol: 'https', host: 'b.example.com', path: '' })?.name, 'wild');
    assert.equal(matchRule(rules, { protocol: 'http', host: 'b.example.com', path: '' })?.name, 'any');
    assert.equal(matchRule(rules, { protocol: 'https', host: 'evil.com#.example.com', path: '' }), null);
    assert.equal(matchRule(rules.slice(0, 2), { protocol: 'https', host: 'a.b.example.com', path: '' }), null);
  });
});
