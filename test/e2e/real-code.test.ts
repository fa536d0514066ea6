// False positives on real code: the built binary over the latest published versions of 340 widely
// used npm packages (test/fixtures/real-code: the list is committed, the packages are fetched with
// npm pack into a cache outside the repository). A push of any of these files to the gate must not
// be refused for a code identifier that happens to sit after a secret-ish name.
//
// The assertion: no finding of a generic rule has a value that is code (codeShape: an identifier,
// a member expression, a call, a type annotation, a template or a comment; see its comment for
// the exact check). What remains is listed (t.diagnostic) with the secret masked: documented test
// keys and sample tokens the packages ship, which are credential-shaped and meant to be found.
//
// Skips (and says why) when nothing is cached and the npm registry cannot be reached.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { cacheDir, ensureRealCodeCorpus } from '../fixtures/real-code/corpus.ts';
import { codeShape, maskedLine, scanRealCode } from '../fixtures/real-code/scan.ts';
import { assertBuilt, BINARY } from '../helpers/binary.ts';

describe('real code (npm packages)', () => {
  it('the code-shape check tells code from literal values', () => {
    const at = (text: string, secret: string, path = 'lib/core/mergeConfig.js') => codeShape({ text, secret, path, startColumn: text.indexOf(secret) + 1 });
    assert.equal(at('  withCredentials: defaultToConfig2,', 'defaultToConfig2'), 'identifier');
    assert.equal(at('  credentials: options?.credentials,', 'options?.credentials'), 'member expression');
    assert.equal(at('  credentials: SMTPConnectionCredentials & {', 'SMTPConnectionCredentials', 'index.d.ts'), 'type annotation');
    assert.equal(at('  const token = makeTokenFor (user);', 'makeTokenFor'), 'call');
    assert.equal(at('  secret: "${SECRET_VALUE}"', '${SECRET_VALUE}'), 'template');
    assert.equal(at('var CancelToken = /*#__PURE__*/function () {', '/*#__PURE__*/function'), 'comment');
    assert.equal(at("  apiKey: 'Lm4Pq9Vx2Kz7Rt3W',", 'Lm4Pq9Vx2Kz7Rt3W'), null);
    assert.equal(at('  credentials: "q8Z3kL0pV7nR2sT5",', 'q8Z3kL0pV7nR2sT5'), null);
    assert.equal(at('API_KEY=a3f5c9e1b7d24f8a9c6e0b1d2f3a4c5e', 'a3f5c9e1b7d24f8a9c6e0b1d2f3a4c5e', '.env'), null);
    assert.equal(at('password: Xy7kQ2pLmZ,', 'Xy7kQ2pLmZ', 'config.yml'), null);
  });

  // A first run downloads and unpacks the corpus (hundreds of MB) before scanning it: more than the suite's default test timeout.
  it('no generic finding on the corpus is code', { timeout: 25 * 60_000 }, (t) => {
    assertBuilt();
    const corpus = ensureRealCodeCorpus({ log: (m) => t.diagnostic(m) });
    if (!corpus) {
      t.skip(`no corpus: nothing is cached under ${cacheDir()} and the npm registry cannot be reached`);
      return;
    }
    assert.ok(corpus.packages.length >= 200, `only ${corpus.packages.length} packages in the corpus`);
    const { findings } = scanRealCode(BINARY, corpus);
    const code = findings.filter((f) => f.rule.startsWith('generic-')).map((f) => ({ f, shape: codeShape(f) })).filter((x) => x.shape !== null);
    t.diagnostic(`${corpus.packages.length} packages; ${findings.length} findings, ${code.length} of the generic ones code-shaped`);
    for (const f of findings) t.diagnostic(`${f.rule}  ${f.pkg}/${f.path}:${f.line}  | ${maskedLine(f)}`);
    assert.deepEqual(
      code.map(({ f, shape }) => `${shape}: ${f.rule} ${f.pkg}/${f.path}:${f.line} | ${maskedLine(f)}`),
      [],
    );
  });
});
