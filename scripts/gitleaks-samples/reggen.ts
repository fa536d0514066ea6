// A string matching a regex, the way gitleaks' rule generators make their true-positive samples
// (secrets.NewSecret, after lucasjones/reggen): literals as written, a random member of each
// character class, each repetition a random count (unbounded ones at most `limit` past their
// minimum), one random branch of each alternation. Anchors and word boundaries produce nothing.
// Covers the Go RE2 syntax the generators use; throws on anything else.

export type Random = () => number;

/** A small seeded generator (mulberry32), so extraction is deterministic. */
export function seededRandom(seed: number): Random {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type Node =
  | { t: 'lit'; s: string }
  | { t: 'set'; chars: string }
  | { t: 'seq'; items: Node[] }
  | { t: 'alt'; options: Node[] }
  | { t: 'rep'; node: Node; min: number; max: number }; // max -1: unbounded

const PRINTABLE = Array.from({ length: 95 }, (_, i) => String.fromCharCode(32 + i)).join('');
const DIGITS = '0123456789';
const WORD = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_';
const SPACE = ' \t\n\r\f\v';
const PERL: Record<string, string> = {
  d: DIGITS,
  w: WORD,
  s: SPACE,
  D: [...PRINTABLE].filter((c) => !DIGITS.includes(c)).join(''),
  W: [...PRINTABLE].filter((c) => !WORD.includes(c)).join(''),
  S: [...PRINTABLE].filter((c) => !SPACE.includes(c)).join(''),
};

class Parser {
  private i = 0;
  private readonly src: string;
  constructor(src: string) {
    this.src = src;
  }

  parse(): Node {
    const node = this.alternation();
    if (this.i < this.src.length) throw new Error(`regex ${this.src}: unexpected ${this.src[this.i]} at ${this.i}`);
    return node;
  }

  private alternation(): Node {
    const options = [this.sequence()];
    while (this.src[this.i] === '|') {
      this.i++;
      options.push(this.sequence());
    }
    return options.length === 1 ? options[0]! : { t: 'alt', options };
  }

  private sequence(): Node {
    const items: Node[] = [];
    while (this.i < this.src.length && this.src[this.i] !== '|' && this.src[this.i] !== ')') {
      let atom = this.atom();
      if (atom === null) continue;
      for (;;) {
        const q = this.quantifier();
        if (!q) break;
        atom = { t: 'rep', node: atom, min: q[0], max: q[1] };
      }
      items.push(atom);
    }
    return items.length === 1 ? items[0]! : { t: 'seq', items };
  }

  private quantifier(): [number, number] | null {
    const c = this.src[this.i];
    let q: [number, number] | null = null;
    if (c === '*') q = [0, -1];
    else if (c === '+') q = [1, -1];
    else if (c === '?') q = [0, 1];
    else if (c === '{') {
      const m = /^\{(\d+)(?:(,)(\d*))?\}/.exec(this.src.slice(this.i));
      if (!m) return null;
      this.i += m[0].length;
      const min = Number(m[1]);
      const max = m[2] ? (m[3] ? Number(m[3]) : -1) : min;
      if (this.src[this.i] === '?') this.i++;
      return [min, max];
    }
    if (!q) return null;
    this.i++;
    if (this.src[this.i] === '?') this.i++; // lazy: same strings
    return q;
  }

  /** One atom; null for something that produces nothing (an anchor, a flag group). */
  private atom(): Node | null {
    const c = this.src[this.i++]!;
    if (c === '(') {
      if (this.src[this.i] === '?') {
        const flags = /^\?([a-zA-Z-]*)(:|\))/.exec(this.src.slice(this.i));
        const named = /^\?P?<[A-Za-z_]\w*>/.exec(this.src.slice(this.i));
        if (named) this.i += named[0].length;
        else if (flags) {
          this.i += flags[0].length;
          if (flags[2] === ')') return null; // (?i): flags for the rest; case is not varied
        } else throw new Error(`regex ${this.src}: unsupported group at ${this.i}`);
      }
      const inner = this.alternation();
      if (this.src[this.i++] !== ')') throw new Error(`regex ${this.src}: missing )`);
      return inner;
    }
    if (c === '[') return this.charClass();
    if (c === '.') return { t: 'set', chars: PRINTABLE };
    if (c === '^' || c === '$') return null;
    if (c === '\\') return this.escape(false);
    return { t: 'lit', s: c };
  }

  private escape(inClass: boolean): Node | null {
    const c = this.src[this.i++]!;
    if (PERL[c]) return { t: 'set', chars: PERL[c] };
    if (!inClass && (c === 'b' || c === 'B' || c === 'A' || c === 'z')) return null;
    if (c === 'x') {
      const m = /^(?:\{([0-9a-fA-F]+)\}|([0-9a-fA-F]{2}))/.exec(this.src.slice(this.i))!;
      this.i += m[0].length;
      return { t: 'lit', s: String.fromCodePoint(parseInt(m[1] ?? m[2]!, 16)) };
    }
    const named: Record<string, string> = { n: '\n', t: '\t', r: '\r', f: '\f', v: '\v' };
    if (named[c]) return { t: 'lit', s: named[c] };
    if (/[A-Za-z0-9]/.test(c)) throw new Error(`regex ${this.src}: unsupported escape \\${c}`);
    return { t: 'lit', s: c };
  }

  private charClass(): Node {
    let negate = false;
    if (this.src[this.i] === '^') {
      negate = true;
      this.i++;
    }
    const chars = new Set<string>();
    let first = true;
    while (this.i < this.src.length && (this.src[this.i] !== ']' || first)) {
      first = false;
      if (this.src.startsWith('[:', this.i)) {
        const m = /^\[:(\^?)(\w+):\]/.exec(this.src.slice(this.i))!;
        this.i += m[0].length;
        const posix: Record<string, string> = { alnum: WORD.replace('_', ''), alpha: WORD.slice(0, 52), digit: DIGITS, upper: WORD.slice(0, 26), lower: WORD.slice(26, 52), space: SPACE, xdigit: '0123456789abcdefABCDEF', punct: PERL.W!.replace(/\s/g, '') + '_', word: WORD, print: PRINTABLE };
        for (const ch of posix[m[2]!] ?? '') chars.add(ch);
        continue;
      }
      let lo: string;
      if (this.src[this.i] === '\\') {
        this.i++;
        const e = this.escape(true)!;
        if (e.t === 'set') {
          for (const ch of e.chars) chars.add(ch);
          continue;
        }
        lo = (e as { s: string }).s;
      } else lo = this.src[this.i++]!;
      if (this.src[this.i] === '-' && this.src[this.i + 1] !== ']' && this.i + 1 < this.src.length) {
        this.i++;
        let hi: string;
        if (this.src[this.i] === '\\') {
          this.i++;
          hi = (this.escape(true) as { s: string }).s;
        } else hi = this.src[this.i++]!;
        for (let code = lo.codePointAt(0)!; code <= hi.codePointAt(0)!; code++) chars.add(String.fromCodePoint(code));
      } else chars.add(lo);
    }
    if (this.src[this.i++] !== ']') throw new Error(`regex ${this.src}: missing ]`);
    const set = negate ? [...PRINTABLE].filter((ch) => !chars.has(ch)) : [...chars];
    return { t: 'set', chars: set.join('') };
  }
}

export function generate(regex: string, random: Random, limit = 1): string {
  const node = new Parser(regex).parse();
  const pick = (n: number): number => Math.floor(random() * n);
  const out: string[] = [];
  const walk = (n: Node): void => {
    switch (n.t) {
      case 'lit':
        out.push(n.s);
        return;
      case 'set':
        if (n.chars.length) out.push([...n.chars][pick([...n.chars].length)]!);
        return;
      case 'seq':
        for (const item of n.items) walk(item);
        return;
      case 'alt':
        walk(n.options[pick(n.options.length)]!);
        return;
      case 'rep': {
        const max = n.max === -1 ? n.min + limit : n.max;
        const count = n.min + pick(max - n.min + 1);
        for (let k = 0; k < count; k++) walk(n.node);
      }
    }
  };
  walk(node);
  return out.join('');
}
