import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { GoRegexError, translateGoRegex } from '../../src/scan/go-regex.ts';

const js = (go: string) => {
  const t = translateGoRegex(go);
  return new RegExp(t.source, t.flags);
};

describe('translateGoRegex', () => {
  it('turns leading flag groups into flags', () => {
    assert.deepEqual(translateGoRegex('(?i)abc'), { source: 'abc', flags: 'i' });
    assert.deepEqual(translateGoRegex('(?is)a.c'), { source: 'a.c', flags: 'is' });
  });

  it('scopes a mid-pattern flag group to the rest of its group', () => {
    assert.equal(translateGoRegex('ab(?i)cd').source, 'ab(?i:cd)');
    assert.equal(translateGoRegex('x((?i)key)y').source, 'x((?i:key))y');
    assert.ok(js('x((?i)key)y').test('xKEYy'));
    assert.equal(js('x((?i)key)y').test('XKEYy'), false);
  });

  it('translates named groups, \\z, \\A, \\Q..\\E, \\x{..} and POSIX classes', () => {
    assert.equal(js('(?P<secret>[a-f0-9]{4})').exec('zzbeefzz')?.groups?.secret, 'beef');
    assert.ok(js('abc\\z').test('xabc'));
    assert.equal(js('abc\\z').test('abc\n'), false);
    assert.ok(js('\\Aabc').test('abcx'));
    assert.equal(js('\\Aabc').test('xabc'), false);
    assert.ok(js('\\Qa.b*\\E').test('a.b*'));
    assert.equal(js('\\Qa.b\\E').test('axb'), false);
    assert.ok(js('\\x{41}').test('A'));
    assert.ok(js('[[:alnum:]_]{3}').test('a_9'));
    assert.equal(js('^[[:digit:]]+$').test('12a'), false);
  });

  it('keeps gitleaks-style patterns working', () => {
    const re = js(String.raw`(?i)\b((?:AKIA|ASIA)[A-Z0-9]{16})(?:['|\"|\n|\r|\s|\x60|;]|$)`);
    assert.ok(re.test('key=akiaabcdefghijklmnop '));
    const bracket = js(String.raw`[]a]+`);
    assert.ok(bracket.test(']'));
  });

  it('refuses what it cannot translate faithfully', () => {
    for (const go of ['\\pL+', '(?U)a+', 'a(?i)b|c', '(ab', 'ab)', '[[:nope:]]']) {
      assert.throws(() => translateGoRegex(go), GoRegexError, go);
    }
  });
});
