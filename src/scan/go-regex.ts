// Translates a Go (RE2) regular expression, as gitleaks configs hold them, to a JavaScript one.
// RE2 and JavaScript agree on most syntax; this covers where they differ. A construct with no
// faithful translation is an error naming it, never a silently different pattern.

export interface TranslatedRegex {
  source: string;
  flags: string;
}

const POSIX_CLASSES: Record<string, string> = {
  alnum: 'A-Za-z0-9',
  alpha: 'A-Za-z',
  ascii: '\\x00-\\x7F',
  blank: ' \\t',
  cntrl: '\\x00-\\x1F\\x7F',
  digit: '0-9',
  graph: '!-~',
  lower: 'a-z',
  print: ' -~',
  punct: '!-\\/:-@\\[-`{-~',
  space: ' \\t\\n\\v\\f\\r',
  upper: 'A-Z',
  word: 'A-Za-z0-9_',
  xdigit: '0-9A-Fa-f',
};

export class GoRegexError extends Error {}

export function translateGoRegex(go: string): TranslatedRegex {
  let flags = '';
  let src = go;
  // Leading flag groups apply to the whole pattern: make them JS flags.
  for (let m = /^\(\?([imsU]+)\)/.exec(src); m; m = /^\(\?([imsU]+)\)/.exec(src)) {
    if (m[1]!.includes('U')) throw new GoRegexError('the (?U) ungreedy flag has no JavaScript equivalent');
    flags += m[1];
    src = src.slice(m[0].length);
  }
  let out = '';
  // Per open group (index 0: the whole pattern), how many inline-flag groups to close with it.
  const open: number[] = [0];
  let inClass = false;
  for (let i = 0; i < src.length; i++) {
    const c = src[i]!;
    if (c === '\\') {
      const n = src[i + 1];
      if (n === undefined) throw new GoRegexError('pattern ends with a backslash');
      if (n === 'z') {
        out += '(?![\\s\\S])';
      } else if (n === 'A') {
        out += '(?<![\\s\\S])';
      } else if (n === 'Q') {
        const end = src.indexOf('\\E', i + 2);
        const literal = src.slice(i + 2, end === -1 ? src.length : end);
        out += literal.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&');
        i = end === -1 ? src.length : end + 1;
        continue;
      } else if (n === 'x' && src[i + 2] === '{') {
        const end = src.indexOf('}', i + 3);
        const code = parseInt(src.slice(i + 3, end), 16);
        if (!(code >= 0 && code <= 0xffff)) throw new GoRegexError(`\\x{${src.slice(i + 3, end)}} is outside the basic plane`);
        out += `\\u${code.toString(16).padStart(4, '0')}`;
        i = end;
        continue;
      } else if (n === 'p' || n === 'P') {
        throw new GoRegexError('Unicode classes (\\p, \\P) are not supported');
      } else if (n === 'C') {
        throw new GoRegexError('\\C (any byte) is not supported');
      } else {
        out += c + n;
      }
      i++;
      continue;
    }
    if (inClass) {
      if (c === '[' && src[i + 1] === ':') {
        const end = src.indexOf(':]', i + 2);
        const name = src.slice(i + 2, end);
        const negated = name.startsWith('^');
        const expansion = POSIX_CLASSES[negated ? name.slice(1) : name];
        if (end === -1 || !expansion) throw new GoRegexError(`unknown character class [:${name}:]`);
        if (negated) throw new GoRegexError(`negated class [:${name}:] inside brackets is not supported`);
        out += expansion;
        i = end + 1;
        continue;
      }
      if (c === '[') {
        out += '\\[';
        continue;
      }
      if (c === ']') inClass = false;
      out += c;
      continue;
    }
    if (c === '[') {
      inClass = true;
      out += c;
      // A ] right after [ or [^ is a literal in RE2.
      if (src[i + 1] === '^') {
        out += '^';
        i++;
      }
      if (src[i + 1] === ']') {
        out += '\\]';
        i++;
      }
      continue;
    }
    if (c === '(') {
      const flagGroup = /^\(\?([imsU-]+)\)/.exec(src.slice(i));
      if (flagGroup) {
        if (flagGroup[1]!.includes('U')) throw new GoRegexError('the (?U) ungreedy flag has no JavaScript equivalent');
        // (?i) in the middle applies to the rest of the enclosing group: open a modifier group
        // now and close it where the enclosing group closes.
        out += `(?${flagGroup[1]}:`;
        open[open.length - 1]!++;
        i += flagGroup[0].length - 1;
        continue;
      }
      if (src.startsWith('(?P<', i)) {
        out += '(?<';
        i += 3;
        open.push(0);
        continue;
      }
      open.push(0);
      out += c;
      continue;
    }
    if (c === ')') {
      if (open.length === 1) throw new GoRegexError('unbalanced )');
      out += `${')'.repeat(open.pop()!)})`;
      continue;
    }
    if (c === '|' && open[open.length - 1]! > 0) {
      // An alternation ends the inline flag's reach in RE2 as well; close and reopen is not
      // equivalent, so refuse rather than guess.
      throw new GoRegexError('an inline flag group followed by | in the same group is not supported; put the flag at the start of the pattern');
    }
    out += c;
  }
  if (inClass) throw new GoRegexError('unterminated character class');
  if (open.length !== 1) throw new GoRegexError('unbalanced (');
  // Inline flags at top level stay open until the end of the pattern.
  out += ')'.repeat(open[0]!);
  return { source: out, flags: [...new Set(flags)].join('') };
}
