// The GraphQL lexer that tells a read from a write: operations by keyword, strings and comments
// skipped, brackets balanced; and the string literals it hands to the scanner.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isQueryOnly, lexGraphql } from '../../src/shim/graphql.ts';

const body = (value: unknown) => Buffer.from(JSON.stringify(value));

describe('GraphQL reads and writes', () => {
  it('queries, the shorthand and fragments are reads', () => {
    assert.equal(isQueryOnly(body({ query: '{ viewer { login } }' })), true);
    assert.equal(isQueryOnly(body({ query: 'query Q($a: Int = 1) @cached { a(x: $a) { ...F } } fragment F on A { b }' })), true);
    assert.equal(isQueryOnly(body([{ query: '{ a }' }, { query: 'query { b }' }])), true);
  });

  it('a mutation or subscription anywhere is not a read, whatever hides it from a naive look', () => {
    for (const query of [
      'mutation { a }',
      'query { a } mutation M { b }',
      '# mutation\nsubscription { a }',
      '{ a(s: "}") } mutation { b }',
      '{ a(s: """ } """) } mutation { b }',
      '{ a } extend type X { y: Int }',
    ]) assert.equal(isQueryOnly(body({ query })), false, query);
  });

  it('what does not lex or parse is not a read', () => {
    for (const raw of ['', 'mutation { a }', '[]', '{}', '{"query": 1}', '{"query": "{ a "}', '{"query": "{ a(s: \\"x) }"}', '{"query": "}{"}', '{"query": ""}']) {
      assert.equal(isQueryOnly(Buffer.from(raw)), false, raw);
    }
  });

  it('string literals come out unescaped, block strings too', () => {
    assert.deepEqual(lexGraphql('{ a(x: "q\\"\\n\\u0041", y: """b\nc""") }')?.strings, ['q"\nA', 'b\nc']);
  });
});
