// Just enough of GraphQL's lexer to tell a document that only reads (queries, fragments) from one
// that writes (a mutation or subscription), and to pull out its string literals, whose values
// (file contents, base64) are scanned like JSON strings.

export interface GraphqlDocument {
  /** The keyword of each operation: query, mutation, subscription ('query' for the { } shorthand). */
  operations: string[];
  /** The values of the string literals, unescaped. */
  strings: string[];
}

/** Lexes a GraphQL document; null when it does not lex (unterminated strings, unbalanced brackets). */
export function lexGraphql(text: string): GraphqlDocument | null {
  const operations: string[] = [];
  const strings: string[] = [];
  let depth = 0;
  // At depth 0 the first name of a definition says what it is; later names (the operation's own name) do not.
  let definitionStarted = false;
  let i = 0;
  while (i < text.length) {
    const c = text[i]!;
    if (c === '#') {
      while (i < text.length && text[i] !== '\n' && text[i] !== '\r') i++;
    } else if (text.startsWith('"""', i)) {
      const end = text.indexOf('"""', i + 3);
      if (end === -1) return null;
      strings.push(text.slice(i + 3, end).replace(/\\"""/g, '"""'));
      i = end + 3;
      continue;
    } else if (c === '"') {
      let value = '';
      i++;
      for (;;) {
        if (i >= text.length || text[i] === '\n') return null;
        const d = text[i]!;
        if (d === '"') break;
        if (d === '\\') {
          const e = text[i + 1];
          if (e === 'u' && /^[0-9a-fA-F]{4}$/.test(text.slice(i + 2, i + 6))) {
            value += String.fromCharCode(parseInt(text.slice(i + 2, i + 6), 16));
            i += 6;
            continue;
          }
          value += ({ n: '\n', r: '\r', t: '\t', b: '\b', f: '\f' } as Record<string, string>)[e ?? ''] ?? e ?? '';
          i += 2;
          continue;
        }
        value += d;
        i++;
      }
      strings.push(value);
    } else if (c === '{' || c === '(' || c === '[') {
      if (depth === 0 && c === '{' && !definitionStarted) operations.push('query');
      definitionStarted = true;
      depth++;
    } else if (c === '}' || c === ')' || c === ']') {
      if (--depth < 0) return null;
      if (depth === 0 && c === '}') definitionStarted = false;
    } else if (/[_A-Za-z]/.test(c)) {
      let end = i + 1;
      while (end < text.length && /[_0-9A-Za-z]/.test(text[end]!)) end++;
      if (depth === 0 && !definitionStarted) {
        const word = text.slice(i, end);
        if (word === 'query' || word === 'mutation' || word === 'subscription') operations.push(word);
        else if (word !== 'fragment') operations.push(word); // not GraphQL we know: counted as not a read
        definitionStarted = true;
      }
      i = end;
      continue;
    }
    i++;
  }
  return depth === 0 ? { operations, strings } : null;
}

/**
 * The body of a POST to a GraphQL endpoint holds only reads: a JSON object (or a batch of them)
 * whose query lexes and has only query operations.
 */
export function isQueryOnly(body: Buffer): boolean {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body.toString('utf8'));
  } catch {
    return false;
  }
  const requests = Array.isArray(parsed) ? parsed : [parsed];
  if (!requests.length) return false;
  return requests.every((r) => {
    if (typeof r !== 'object' || r === null || typeof (r as { query?: unknown }).query !== 'string') return false;
    const document = lexGraphql((r as { query: string }).query);
    return document !== null && document.operations.length > 0 && document.operations.every((op) => op === 'query');
  });
}
