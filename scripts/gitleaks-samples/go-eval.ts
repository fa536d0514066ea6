// Just enough of Go to run gitleaks' rule generators (cmd/generate/config/rules/*.go) for their
// samples, without building gitleaks: a tokenizer (with Go's semicolon insertion), a parser for
// the statements and expressions those files use, and an evaluator whose library is the handful
// of helpers they call (utils.GenerateSampleSecrets, secrets.NewSecret, fmt.Sprintf, append, …),
// written here after gitleaks' own. Values: strings, numbers, booleans, lists, maps, structs.
// Anything else (a regexp, an allowlist) evaluates to UNKNOWN, which is fine until a sample
// needs it, and then the sample's rule reports an error instead.

// ------------------------------------------------------------------------------------ tokens
type Tok = { k: 'id' | 'str' | 'num' | 'op' | 'char'; v: string; line: number };

const OPS = ['...', ':=', '==', '!=', '<=', '>=', '&&', '||', '++', '--', '+=', '-=', '<-', '&^', '<<', '>>'];

export function tokenize(src: string): Tok[] {
  const out: Tok[] = [];
  let i = 0;
  let line = 1;
  const KEYWORDS = /^(?:func|var|const|type|package|import|if|else|for|range|switch|case|default|go|defer|map|struct|interface|chan|select|goto)$/;
  // Go's rule: a line ends a statement after an identifier (or break, continue, fallthrough,
  // return), a literal, ) ] } ++ or --.
  const semi = (): void => {
    const last = out[out.length - 1];
    if (!last) return;
    const ends = last.k === 'id' ? !KEYWORDS.test(last.v) : last.k !== 'op' || [')', ']', '}', '++', '--'].includes(last.v);
    if (ends) out.push({ k: 'op', v: ';', line });
  };
  while (i < src.length) {
    const c = src[i]!;
    if (c === '\n') {
      semi();
      line++;
      i++;
    } else if (c === ' ' || c === '\t' || c === '\r') i++;
    else if (src.startsWith('//', i)) {
      while (i < src.length && src[i] !== '\n') i++;
    } else if (src.startsWith('/*', i)) {
      const end = src.indexOf('*/', i + 2);
      const body = src.slice(i, end);
      if (body.includes('\n')) {
        semi();
        line += body.split('\n').length - 1;
      }
      i = end + 2;
    } else if (/[A-Za-z_]/.test(c)) {
      const m = /^[A-Za-z_]\w*/.exec(src.slice(i, i + 200))!;
      out.push({ k: 'id', v: m[0], line });
      i += m[0].length;
    } else if (/[0-9]/.test(c)) {
      const m = /^(?:0x[0-9a-fA-F_]+|[0-9_]+(?:\.[0-9]+)?)/.exec(src.slice(i, i + 100))!;
      out.push({ k: 'num', v: m[0].replace(/_/g, ''), line });
      i += m[0].length;
    } else if (c === '`') {
      const end = src.indexOf('`', i + 1);
      const text = src.slice(i + 1, end);
      out.push({ k: 'str', v: text.replace(/\r/g, ''), line });
      line += text.split('\n').length - 1;
      i = end + 1;
    } else if (c === '"' || c === "'") {
      let j = i + 1;
      let s = '';
      while (src[j] !== c) {
        if (src[j] === '\\') {
          const e = src[j + 1]!;
          const simple: Record<string, string> = { n: '\n', t: '\t', r: '\r', '\\': '\\', '"': '"', "'": "'", a: '\x07', b: '\b', f: '\f', v: '\v' };
          if (simple[e] !== undefined) {
            s += simple[e];
            j += 2;
          } else if (e === 'x') {
            s += String.fromCharCode(parseInt(src.slice(j + 2, j + 4), 16));
            j += 4;
          } else if (e === 'u') {
            s += String.fromCodePoint(parseInt(src.slice(j + 2, j + 6), 16));
            j += 6;
          } else if (e === 'U') {
            s += String.fromCodePoint(parseInt(src.slice(j + 2, j + 10), 16));
            j += 10;
          } else if (/[0-7]/.test(e)) {
            s += String.fromCharCode(parseInt(src.slice(j + 1, j + 4), 8));
            j += 4;
          } else throw new Error(`line ${line}: unknown escape \\${e}`);
        } else s += src[j++];
      }
      out.push({ k: c === '"' ? 'str' : 'char', v: s, line });
      i = j + 1;
    } else {
      const op = OPS.find((o) => src.startsWith(o, i)) ?? c;
      out.push({ k: 'op', v: op, line });
      i += op.length;
    }
  }
  semi();
  return out;
}

// ------------------------------------------------------------------------------------ syntax
export type Expr =
  | { e: 'str'; v: string }
  | { e: 'num'; v: number }
  | { e: 'id'; name: string }
  | { e: 'sel'; x: Expr; name: string }
  | { e: 'call'; fn: Expr; args: Expr[]; spread: boolean }
  | { e: 'index'; x: Expr; i: Expr }
  | { e: 'slice'; x: Expr; lo: Expr | null; hi: Expr | null }
  | { e: 'bin'; op: string; a: Expr; b: Expr }
  | { e: 'un'; op: string; x: Expr }
  | { e: 'lit'; type: string; elems: Array<{ key: Expr | null; value: Expr }> }
  | { e: 'func' };

export type Stmt =
  | { s: 'assign'; op: string; lhs: Expr[]; rhs: Expr[] }
  | { s: 'var'; names: string[]; value: Expr[] | null }
  | { s: 'expr'; x: Expr }
  | { s: 'return'; values: Expr[] }
  | { s: 'block'; body: Stmt[]; scoped?: boolean }
  | { s: 'range'; key: string | null; value: string | null; x: Expr; body: Stmt[] }
  | { s: 'for'; body: Stmt[] }
  | { s: 'if'; cond: Expr; then: Stmt[]; else: Stmt[] | null }
  | { s: 'continue' }
  | { s: 'break' };

export interface FuncDecl {
  name: string;
  params: string[];
  result: string;
  body: Stmt[];
}

export interface GoFile {
  funcs: FuncDecl[];
  vars: Map<string, Expr>;
  /** Functions whose bodies this subset cannot parse, with the reason. */
  unparsed: Map<string, string>;
}

class GoParser {
  private p = 0;
  /** In an if/for header a `{` starts the block, not a composite literal. */
  private noLit = 0;
  private readonly t: Tok[];
  constructor(t: Tok[]) {
    this.t = t;
  }

  private peek(o = 0): Tok | undefined {
    return this.t[this.p + o];
  }
  private is(v: string, o = 0): boolean {
    const tok = this.peek(o);
    return tok !== undefined && (tok.k === 'op' || tok.k === 'id') && tok.v === v;
  }
  private take(v?: string): Tok {
    const tok = this.t[this.p++];
    if (!tok) throw new Error('unexpected end of file');
    if (v !== undefined && tok.v !== v) throw new Error(`line ${tok.line}: expected ${v}, found ${tok.v}`);
    return tok;
  }
  private skipSemis(): void {
    while (this.is(';')) this.p++;
  }

  file(): GoFile {
    const funcs: FuncDecl[] = [];
    const vars = new Map<string, Expr>();
    const unparsed = new Map<string, string>();
    while (this.p < this.t.length) {
      this.skipSemis();
      const tok = this.peek();
      if (!tok) break;
      if (tok.v === 'package') {
        this.p += 2;
      } else if (tok.v === 'import') {
        this.p++;
        if (this.is('(')) this.skipBalanced();
        else this.p++;
      } else if (tok.v === 'func') {
        this.p++;
        if (this.is('(')) {
          this.skipBalanced(); // a method: not used by the generators
          this.p++;
          this.skipSignatureAndBody();
          continue;
        }
        const name = this.take().v;
        const params = this.params();
        let result = '';
        while (!this.is('{')) result += this.take().v;
        const start = this.p;
        try {
          funcs.push({ name, params, result, body: this.block() });
        } catch (error) {
          // A body beyond this subset: the function is left out (calling it reports that).
          this.p = start;
          this.skipBalanced();
          unparsed.set(name, (error as Error).message);
        }
      } else if (tok.v === 'var' || tok.v === 'const') {
        this.p++;
        const one = (): void => {
          const st = this.varSpec();
          if (st.s === 'var' && st.value) st.names.forEach((n, i) => vars.set(n, st.value![i]!));
        };
        if (this.is('(')) {
          this.p++;
          this.skipSemis();
          while (!this.is(')')) {
            one();
            this.skipSemis();
          }
          this.p++;
        } else one();
      } else if (tok.v === 'type') {
        this.p++;
        while (!this.is(';')) {
          if (this.is('{') || this.is('(')) this.skipBalanced();
          else this.p++;
        }
      } else throw new Error(`line ${tok.line}: unexpected ${tok.v} at top level`);
    }
    return { funcs, vars, unparsed };
  }

  private skipBalanced(): void {
    let depth = 0;
    do {
      const v = this.take().v;
      if (v === '(' || v === '{' || v === '[') depth++;
      else if (v === ')' || v === '}' || v === ']') depth--;
    } while (depth > 0);
  }

  private skipSignatureAndBody(): void {
    while (!this.is('{')) this.p++;
    this.skipBalanced();
  }

  private params(): string[] {
    this.take('(');
    const names: string[] = [];
    let group: string[] = [];
    while (!this.is(')')) {
      const name = this.take().v;
      if (this.is(',') || this.is(')')) {
        group.push(name);
        if (this.is(',')) this.p++;
        continue;
      }
      group.push(name);
      this.type();
      names.push(...group);
      group = [];
      if (this.is(',')) this.p++;
    }
    this.p++;
    return names;
  }

  /** Reads a type, returning its text. */
  private type(): string {
    let s = '';
    for (;;) {
      if (this.is('[')) {
        this.p++;
        s += '[';
        while (!this.is(']')) s += this.take().v;
        this.p++;
        s += ']';
      } else if (this.is('*') || this.is('&')) s += this.take().v;
      else if (this.is('map')) {
        this.p++;
        this.take('[');
        s += `map[${this.type()}]`;
        this.take(']');
      } else if (this.is('func')) {
        this.p++;
        this.skipBalanced();
        s += 'func';
        if (!this.is('{') && !this.is(')') && !this.is(',') && !this.is(';') && !this.is('=')) s += this.type();
        return s;
      } else if (this.is('struct') || this.is('interface')) {
        this.p++;
        this.skipBalanced();
        return s + 'struct';
      } else {
        s += this.take().v;
        while (this.is('.')) {
          this.p++;
          s += '.' + this.take().v;
        }
        return s;
      }
    }
  }

  block(): Stmt[] {
    this.take('{');
    const body: Stmt[] = [];
    this.skipSemis();
    while (!this.is('}')) {
      body.push(this.stmt());
      this.skipSemis();
    }
    this.p++;
    return body;
  }

  private varSpec(): Stmt {
    const names = [this.take().v];
    while (this.is(',')) {
      this.p++;
      names.push(this.take().v);
    }
    if (!this.is('=')) this.type();
    let value: Expr[] | null = null;
    if (this.is('=')) {
      this.p++;
      value = this.exprList();
    }
    return { s: 'var', names, value };
  }

  private stmt(): Stmt {
    const tok = this.peek()!;
    switch (tok.v) {
      case 'return': {
        this.p++;
        return { s: 'return', values: this.is(';') || this.is('}') ? [] : this.exprList() };
      }
      case 'var':
      case 'const': {
        this.p++;
        if (!this.is('(')) return this.varSpec();
        this.p++;
        const body: Stmt[] = [];
        this.skipSemis();
        while (!this.is(')')) {
          body.push(this.varSpec());
          this.skipSemis();
        }
        this.p++;
        return { s: 'block', body, scoped: false };
      }
      case 'continue':
        this.p++;
        return { s: 'continue' };
      case 'break':
        this.p++;
        return { s: 'break' };
      case '{':
        return { s: 'block', body: this.block() };
      case 'if': {
        this.p++;
        this.noLit++;
        let init: Stmt | null = null;
        let first = this.simple();
        if (this.is(';')) {
          this.p++;
          init = first;
          first = { s: 'expr', x: this.expr() };
        }
        this.noLit--;
        if (first.s !== 'expr') throw new Error(`line ${tok.line}: an if without a condition`);
        const cond = first.x;
        const then = this.block();
        let otherwise: Stmt[] | null = null;
        if (this.is('else')) {
          this.p++;
          otherwise = this.is('if') ? [this.stmt()] : this.block();
        }
        const ifStmt: Stmt = { s: 'if', cond, then, else: otherwise };
        return init ? { s: 'block', body: [init, ifStmt] } : ifStmt;
      }
      case 'for': {
        this.p++;
        if (this.is('{')) return { s: 'for', body: this.block() };
        this.noLit++;
        let key: string | null = null;
        let value: string | null = null;
        if (this.peek(1)?.v === ',' || this.peek(1)?.v === ':=') {
          key = this.take().v;
          if (this.is(',')) {
            this.p++;
            value = this.take().v;
          }
          this.take(':=');
        }
        this.take('range');
        const x = this.expr();
        this.noLit--;
        return { s: 'range', key: key === '_' ? null : key, value: value === '_' ? null : value, x, body: this.block() };
      }
      default:
        return this.simple();
    }
  }

  private simple(): Stmt {
    {
      {
        const lhs = this.exprList();
        if (this.is(':=') || this.is('=') || this.is('+=')) {
          const op = this.take().v;
          return { s: 'assign', op, lhs, rhs: this.exprList() };
        }
        if (this.is('++') || this.is('--')) {
          const op = this.take().v;
          return { s: 'assign', op: op === '++' ? '+=' : '-=', lhs, rhs: [{ e: 'num', v: 1 }] };
        }
        return { s: 'expr', x: lhs[0]! };
      }
    }
  }

  private exprList(): Expr[] {
    const list = [this.expr()];
    while (this.is(',')) {
      this.p++;
      list.push(this.expr());
    }
    return list;
  }

  private static readonly PREC: Record<string, number> = { '||': 1, '&&': 2, '==': 3, '!=': 3, '<': 3, '<=': 3, '>': 3, '>=': 3, '+': 4, '-': 4, '|': 4, '^': 4, '*': 5, '/': 5, '%': 5, '<<': 5, '>>': 5, '&': 5, '&^': 5 };

  expr(minPrec = 1): Expr {
    let a = this.unary();
    for (;;) {
      const tok = this.peek();
      const prec = tok && tok.k === 'op' ? GoParser.PREC[tok.v] : undefined;
      if (prec === undefined || prec < minPrec) return a;
      this.p++;
      a = { e: 'bin', op: tok!.v, a, b: this.expr(prec + 1) };
    }
  }

  private unary(): Expr {
    if (this.is('&') || this.is('*') || this.is('!') || this.is('-') || this.is('+') || this.is('^')) {
      const op = this.take().v;
      return { e: 'un', op, x: this.unary() };
    }
    return this.primary();
  }

  private primary(): Expr {
    let x = this.operand();
    for (;;) {
      if (this.is('.')) {
        this.p++;
        if (this.is('(')) {
          // a type assertion x.(T)
          this.skipBalanced();
          continue;
        }
        x = { e: 'sel', x, name: this.take().v };
      } else if (this.is('(')) {
        this.p++;
        const args: Expr[] = [];
        let spread = false;
        this.skipSemis();
        while (!this.is(')')) {
          args.push(this.expr());
          if (this.is('...')) {
            this.p++;
            spread = true;
          }
          if (this.is(',')) this.p++;
          this.skipSemis();
        }
        this.p++;
        x = { e: 'call', fn: x, args, spread };
      } else if (this.is('[')) {
        this.p++;
        const lo = this.is(':') ? null : this.expr();
        if (this.is(':')) {
          this.p++;
          const hi = this.is(']') ? null : this.expr();
          this.take(']');
          x = { e: 'slice', x, lo, hi };
        } else {
          this.take(']');
          x = { e: 'index', x, i: lo! };
        }
      } else if (this.is('{') && this.noLit === 0 && isTypeLike(x)) {
        x = this.literalBody(typeText(x));
      } else return x;
    }
  }

  private operand(): Expr {
    const tok = this.peek()!;
    if (tok.k === 'str' || tok.k === 'char') {
      this.p++;
      return { e: 'str', v: tok.v };
    }
    if (tok.k === 'num') {
      this.p++;
      return { e: 'num', v: Number(tok.v) };
    }
    if (tok.v === '(') {
      this.p++;
      this.noLit++;
      const saved = this.noLit;
      this.noLit = 0;
      const x = this.expr();
      this.noLit = saved - 1;
      this.take(')');
      return x;
    }
    if (tok.v === '[' || tok.v === 'map' || tok.v === 'struct') {
      const type = this.type();
      if (this.is('{')) return this.literalBody(type);
      return { e: 'id', name: type }; // a conversion: []byte(x)
    }
    if (tok.v === 'func') {
      this.p++;
      this.skipBalanced();
      while (!this.is('{')) this.p++;
      this.skipBalanced();
      return { e: 'func' };
    }
    if (tok.v === '{') return this.literalBody(''); // an elided type inside a composite literal
    if (tok.k === 'id') {
      this.p++;
      return { e: 'id', name: tok.v };
    }
    throw new Error(`line ${tok.line}: unexpected ${tok.v}`);
  }

  private literalBody(type: string): Expr {
    this.take('{');
    const saved = this.noLit;
    this.noLit = 0;
    const elems: Array<{ key: Expr | null; value: Expr }> = [];
    this.skipSemis();
    while (!this.is('}')) {
      const first = this.expr();
      if (this.is(':')) {
        this.p++;
        this.skipSemis();
        elems.push({ key: first, value: this.expr() });
      } else elems.push({ key: null, value: first });
      if (this.is(',')) this.p++;
      this.skipSemis();
    }
    this.p++;
    this.noLit = saved;
    return { e: 'lit', type, elems };
  }
}

function isTypeLike(x: Expr): boolean {
  return (x.e === 'id' && /^[A-Za-z_]/.test(x.name)) || (x.e === 'sel' && x.x.e === 'id');
}

function typeText(x: Expr): string {
  return x.e === 'id' ? x.name : x.e === 'sel' && x.x.e === 'id' ? `${x.x.name}.${x.name}` : '?';
}

export function parseGo(src: string): GoFile {
  return new GoParser(tokenize(src)).file();
}

// ------------------------------------------------------------------------------------ values
export const UNKNOWN: unique symbol = Symbol('unknown');
export type Value = string | number | boolean | null | Value[] | GoMap | GoStruct | Builtin | typeof UNKNOWN;
export class GoMap {
  readonly entries: Array<[Value, Value]>;
  constructor(entries: Array<[Value, Value]> = []) {
    this.entries = entries;
  }
}
export class GoStruct {
  readonly type: string;
  readonly fields: Map<string, Value>;
  constructor(type: string, fields: Map<string, Value>) {
    this.type = type;
    this.fields = fields;
  }
}
export type Builtin = { builtin: (args: Value[], spread: boolean) => Value };

export class Unsupported extends Error {}

class Return {
  readonly values: Value[];
  constructor(values: Value[]) {
    this.values = values;
  }
}
class Continue {}
class Break {}

export type Library = Record<string, (args: Value[]) => Value>;

/** Runs the functions of one Go package (all its files) with a library of helpers. */
export class Interpreter {
  private readonly funcs = new Map<string, FuncDecl>();
  private readonly globalExprs = new Map<string, Expr>();
  private readonly globals = new Map<string, Value>();
  /** Set by utils.Validate / ValidateWithPaths when a rule function returns through it. */
  validated: { rule: Value; tps: Value; fps: Value } | null = null;

  private readonly library: Library;
  private readonly natives: Record<string, (args: Value[]) => Value>;

  constructor(files: GoFile[], library: Library, natives: Record<string, (args: Value[]) => Value>) {
    this.library = library;
    this.natives = natives;
    for (const f of files) {
      for (const fn of f.funcs) this.funcs.set(fn.name, fn);
      for (const [name, x] of f.vars) this.globalExprs.set(name, x);
    }
  }

  /** A package-level variable's value. */
  global(name: string): Value {
    return this.lookup(name, []);
  }

  functions(): FuncDecl[] {
    return [...this.funcs.values()];
  }

  call(name: string, args: Value[]): Value[] {
    const native = this.natives[name];
    if (native) return [native(args)];
    const fn = this.funcs.get(name);
    if (!fn) throw new Unsupported(`no function ${name}`);
    const scope = new Map<string, Value>();
    fn.params.forEach((p, i) => scope.set(p, args[i] ?? UNKNOWN));
    try {
      this.run(fn.body, [scope]);
    } catch (signal) {
      if (signal instanceof Return) return signal.values;
      throw signal;
    }
    return [];
  }

  private lookup(name: string, scopes: Array<Map<string, Value>>): Value {
    for (let i = scopes.length - 1; i >= 0; i--) if (scopes[i]!.has(name)) return scopes[i]!.get(name)!;
    if (this.globals.has(name)) return this.globals.get(name)!;
    const x = this.globalExprs.get(name);
    if (x) {
      this.globals.set(name, UNKNOWN); // a cycle reads as unknown
      const v = this.eval(x, []);
      this.globals.set(name, v);
      return v;
    }
    if (name === 'nil') return null;
    if (name === 'true') return true;
    if (name === 'false') return false;
    if (this.funcs.has(name) || this.natives[name] || this.library[name]) return { builtin: (args) => this.invoke(name, args) };
    return UNKNOWN;
  }

  private run(body: Stmt[], scopes: Array<Map<string, Value>>): void {
    const scope = new Map<string, Value>();
    const inner = [...scopes, scope];
    for (const st of body) this.exec(st, inner);
  }

  private assignTo(target: Expr, value: Value, scopes: Array<Map<string, Value>>, declare: boolean): void {
    if (target.e === 'id') {
      if (target.name === '_') return;
      if (declare) {
        scopes[scopes.length - 1]!.set(target.name, value);
        return;
      }
      for (let i = scopes.length - 1; i >= 0; i--) {
        if (scopes[i]!.has(target.name)) {
          scopes[i]!.set(target.name, value);
          return;
        }
      }
      this.globals.set(target.name, value);
    } else if (target.e === 'sel') {
      const obj = this.eval(target.x, scopes);
      if (obj instanceof GoStruct) obj.fields.set(target.name, value);
    } else if (target.e === 'index') {
      const obj = this.eval(target.x, scopes);
      const key = this.eval(target.i, scopes);
      if (obj instanceof GoMap) {
        const at = obj.entries.findIndex(([k]) => k === key);
        if (at === -1) obj.entries.push([key, value]);
        else obj.entries[at] = [key, value];
      } else if (Array.isArray(obj) && typeof key === 'number') obj[key] = value;
    }
  }

  private exec(st: Stmt, scopes: Array<Map<string, Value>>): void {
    switch (st.s) {
      case 'var':
        st.names.forEach((n, i) => scopes[scopes.length - 1]!.set(n, st.value ? this.eval(st.value[i]!, scopes) : null));
        return;
      case 'assign': {
        if (st.op === '+=') {
          const cur = this.eval(st.lhs[0]!, scopes);
          this.assignTo(st.lhs[0]!, binary('+', cur, this.eval(st.rhs[0]!, scopes)), scopes, false);
          return;
        }
        const values = st.rhs.length === 1 && st.lhs.length > 1 ? this.evalMulti(st.rhs[0]!, scopes) : st.rhs.map((x) => this.eval(x, scopes));
        st.lhs.forEach((target, i) => this.assignTo(target, values[i] ?? UNKNOWN, scopes, st.op === ':='));
        return;
      }
      case 'expr':
        this.eval(st.x, scopes);
        return;
      case 'return':
        throw new Return(st.values.length === 1 ? this.evalMulti(st.values[0]!, scopes) : st.values.map((x) => this.eval(x, scopes)));
      case 'block':
        if (st.scoped === false) for (const inner of st.body) this.exec(inner, scopes);
        else this.run(st.body, scopes);
        return;
      case 'if': {
        const cond = this.eval(st.cond, scopes);
        if (cond === UNKNOWN) throw new Unsupported('a condition that cannot be evaluated');
        if (cond) this.run(st.then, scopes);
        else if (st.else) this.run(st.else, scopes);
        return;
      }
      case 'for':
        throw new Unsupported('an endless for loop');
      case 'range': {
        const x = this.eval(st.x, scopes);
        const pairs: Array<[Value, Value]> = Array.isArray(x) ? x.map((v, i) => [i, v]) : x instanceof GoMap ? x.entries : typeof x === 'number' ? Array.from({ length: x }, (_, i) => [i, i]) : [];
        if (!Array.isArray(x) && !(x instanceof GoMap) && typeof x !== 'number') throw new Unsupported('a range over something unknown');
        for (const [k, v] of pairs) {
          const scope = new Map<string, Value>();
          if (st.key) scope.set(st.key, k);
          if (st.value) scope.set(st.value, v);
          try {
            this.run(st.body, [...scopes, scope]);
          } catch (signal) {
            if (signal instanceof Continue) continue;
            if (signal instanceof Break) break;
            throw signal;
          }
        }
        return;
      }
      case 'continue':
        throw new Continue();
      case 'break':
        throw new Break();
    }
  }

  private evalMulti(x: Expr, scopes: Array<Map<string, Value>>): Value[] {
    if (x.e === 'call') {
      const name = calleeName(x.fn);
      if (name && (this.funcs.has(name) || this.natives[name]) && !scopes.some((s) => s.has(name))) return this.call(name, this.args(x, scopes));
    }
    return [this.eval(x, scopes)];
  }

  private args(x: Extract<Expr, { e: 'call' }>, scopes: Array<Map<string, Value>>): Value[] {
    const args = x.args.map((a) => this.eval(a, scopes));
    if (x.spread) {
      const last = args.pop();
      if (!Array.isArray(last)) throw new Unsupported('spreading something that is not a list');
      args.push(...last);
    }
    return args;
  }

  private invoke(name: string, args: Value[]): Value {
    if (this.funcs.has(name) || this.natives[name]) return this.call(name, args)[0] ?? null;
    const lib = this.library[name];
    if (lib) return lib(args);
    return UNKNOWN;
  }

  eval(x: Expr, scopes: Array<Map<string, Value>>): Value {
    switch (x.e) {
      case 'str':
        return x.v;
      case 'num':
        return x.v;
      case 'func':
        return UNKNOWN;
      case 'id':
        return this.lookup(x.name, scopes);
      case 'sel': {
        const qualified = calleeName(x);
        if (qualified && this.library[qualified]) return { builtin: (args) => this.library[qualified]!(args) };
        const obj = this.eval(x.x, scopes);
        if (obj instanceof GoStruct) return obj.fields.get(x.name) ?? null;
        return UNKNOWN;
      }
      case 'call': {
        const name = calleeName(x.fn);
        const args = this.args(x, scopes);
        if (name && !scopes.some((s) => s.has(name))) {
          if (name === 'append') {
            const [list, ...items] = args;
            return [...(Array.isArray(list) ? list : []), ...items];
          }
          if (name === 'len') {
            const v = args[0];
            return typeof v === 'string' || Array.isArray(v) ? v.length : v instanceof GoMap ? v.entries.length : UNKNOWN;
          }
          if (/^(?:\[\]byte|string|\[\]rune)$/.test(name)) return args[0] ?? UNKNOWN;
          if (this.funcs.has(name) || this.natives[name] || this.library[name]) return this.invoke(name, args);
        }
        const fn = this.eval(x.fn, scopes);
        if (fn && typeof fn === 'object' && 'builtin' in fn) return fn.builtin(args, x.spread);
        return UNKNOWN;
      }
      case 'index': {
        const obj = this.eval(x.x, scopes);
        const i = this.eval(x.i, scopes);
        if (Array.isArray(obj) && typeof i === 'number') return obj[i] ?? UNKNOWN;
        if (typeof obj === 'string' && typeof i === 'number') return obj.charCodeAt(i);
        if (obj instanceof GoMap) return obj.entries.find(([k]) => k === i)?.[1] ?? null;
        return UNKNOWN;
      }
      case 'slice': {
        const obj = this.eval(x.x, scopes);
        const lo = x.lo ? this.eval(x.lo, scopes) : 0;
        const hi = x.hi ? this.eval(x.hi, scopes) : undefined;
        if ((typeof obj === 'string' || Array.isArray(obj)) && typeof lo === 'number' && (hi === undefined || typeof hi === 'number')) return obj.slice(lo, hi);
        return UNKNOWN;
      }
      case 'un': {
        const v = this.eval(x.x, scopes);
        if (x.op === '&' || x.op === '*') return v;
        if (x.op === '!') return v === UNKNOWN ? UNKNOWN : !v;
        if (x.op === '-') return typeof v === 'number' ? -v : UNKNOWN;
        return UNKNOWN;
      }
      case 'bin':
        return binary(x.op, this.eval(x.a, scopes), this.eval(x.b, scopes));
      case 'lit': {
        if (x.type.startsWith('map[') || (x.type === '' && x.elems.some((el) => el.key !== null && el.key.e !== 'id'))) {
          return new GoMap(x.elems.map((el) => [el.key ? this.eval(el.key, scopes) : null, this.evalElem(el.value, x.type, scopes)]));
        }
        if (x.type.startsWith('[') || x.type === '') return x.elems.map((el) => this.evalElem(el.value, x.type, scopes));
        const fields = new Map<string, Value>();
        for (const el of x.elems) {
          if (el.key?.e !== 'id') continue;
          try {
            fields.set(el.key.name, this.eval(el.value, scopes));
          } catch {
            fields.set(el.key.name, UNKNOWN);
          }
        }
        return new GoStruct(x.type, fields);
      }
    }
  }

  /** An element of a composite literal; an elided-type element of a map of lists is a list. */
  private evalElem(x: Expr, outer: string, scopes: Array<Map<string, Value>>): Value {
    if (x.e === 'lit' && x.type === '') {
      const inner = /^map\[[^\]]*\](.*)$/.exec(outer)?.[1] ?? outer.replace(/^\[\]/, '');
      return this.eval({ ...x, type: inner.startsWith('[') || inner.startsWith('map[') ? inner : x.elems.every((e) => e.key === null) ? '[]' : inner }, scopes);
    }
    return this.eval(x, scopes);
  }
}

function calleeName(x: Expr): string | null {
  if (x.e === 'id') return x.name;
  if (x.e === 'sel') {
    const inner = calleeName(x.x);
    return inner ? `${inner}.${x.name}` : null;
  }
  return null;
}

function binary(op: string, a: Value, b: Value): Value {
  if (a === UNKNOWN || b === UNKNOWN) return UNKNOWN;
  switch (op) {
    case '+':
      if (typeof a === 'string' && typeof b === 'string') return a + b;
      if (typeof a === 'number' && typeof b === 'number') return a + b;
      return UNKNOWN;
    case '-':
      return typeof a === 'number' && typeof b === 'number' ? a - b : UNKNOWN;
    case '*':
      return typeof a === 'number' && typeof b === 'number' ? a * b : UNKNOWN;
    case '==':
      return a === b;
    case '!=':
      return a !== b;
    case '<':
      return (a as number) < (b as number);
    case '>':
      return (a as number) > (b as number);
    case '<=':
      return (a as number) <= (b as number);
    case '>=':
      return (a as number) >= (b as number);
    case '&&':
      return Boolean(a) && Boolean(b);
    case '||':
      return Boolean(a) || Boolean(b);
    default:
      return UNKNOWN;
  }
}
