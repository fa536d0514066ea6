// Keyword prefilter: one pass over a text finds every occurrence of every rule keyword,
// ASCII case-insensitively. Written by hand as a dense DFA (goto + failure links folded into
// one Int32Array transition table) because it runs over every byte of every push: one table
// lookup per character, no allocation, no backtracking.

export interface KeywordHit {
  /** Index of the keyword in the list the matcher was built from. */
  keyword: number;
  /** Offset just past the keyword's last character. */
  end: number;
}

export class KeywordMatcher {
  readonly keywords: readonly string[];
  /** byte or char code (0..255) -> symbol class; 0 = not in any keyword (so every non-ASCII code). */
  readonly classOf: Uint8Array;
  readonly classes: number;
  /**
   * The transition table, premultiplied: row + class -> next row, where a state's row is
   * state * classes. Rows rather than states save a multiply per character.
   */
  readonly rows: Int32Array;
  /** row -> 1 when some keyword ends in that state (only row starts are set). */
  readonly rowHasOutput: Uint8Array;
  private readonly outputs: Int32Array[]; // state -> keyword indexes ending here (incl. via failure links)

  constructor(keywords: readonly string[]) {
    this.keywords = keywords;
    const lowered = keywords.map((k) => k.toLowerCase());
    for (const k of lowered) {
      if (!k) throw new Error('empty keyword');
      for (let i = 0; i < k.length; i++) if (k.charCodeAt(i) > 127) throw new Error(`keyword ${k} is not ASCII`);
    }
    this.classOf = new Uint8Array(256);
    let classes = 1;
    for (const k of lowered) {
      for (let i = 0; i < k.length; i++) {
        const c = k.charCodeAt(i);
        if (this.classOf[c] === 0) {
          this.classOf[c] = classes++;
          if (classes > 255) throw new Error('too many distinct keyword characters');
        }
      }
    }
    // Upper-case letters share their lower-case class.
    for (let c = 65; c <= 90; c++) this.classOf[c] = this.classOf[c + 32]!;
    this.classes = classes;

    // The trie, straight into one flat table (-1: no edge yet); at most one state per keyword character.
    const maxStates = lowered.reduce((n, k) => n + k.length, 1);
    const goto = new Int32Array(maxStates * classes).fill(-1);
    const out: number[][] = [[]];
    let states = 1;
    lowered.forEach((k, index) => {
      let state = 0;
      for (let i = 0; i < k.length; i++) {
        const slot = state * classes + this.classOf[k.charCodeAt(i)]!;
        if (goto[slot] === -1) {
          goto[slot] = states++;
          out.push([]);
        }
        state = goto[slot]!;
      }
      out[state]!.push(index);
    });

    // Breadth-first: failure links, folded into a complete transition table. Class 0
    // (characters in no keyword) always returns to the root.
    const fail = new Int32Array(states);
    const next = new Int32Array(states * classes);
    const queue = new Int32Array(states);
    let tail = 0;
    for (let cls = 1; cls < classes; cls++) {
      const child = goto[cls]!;
      next[cls] = child === -1 ? 0 : child;
      if (child > 0) queue[tail++] = child;
    }
    for (let head = 0; head < tail; head++) {
      const state = queue[head]!;
      const inherited = out[fail[state]!]!;
      if (inherited.length) out[state]!.push(...inherited);
      const row = state * classes;
      const failRow = fail[state]! * classes;
      for (let cls = 1; cls < classes; cls++) {
        const child = goto[row + cls]!;
        if (child === -1) next[row + cls] = next[failRow + cls]!;
        else {
          fail[child] = next[failRow + cls]!;
          next[row + cls] = child;
          queue[tail++] = child;
        }
      }
    }
    const rows = new Int32Array(states * classes);
    for (let i = 0; i < rows.length; i++) rows[i] = next[i]! * classes;
    this.rows = rows;
    this.outputs = out.map((o) => Int32Array.from(new Set(o)));
    this.rowHasOutput = new Uint8Array(states * classes);
    out.forEach((o, state) => {
      if (o.length) this.rowHasOutput[state * classes] = 1;
    });
  }

  /** Keyword indexes that end in the state of this row. */
  outputsAt(row: number): Int32Array {
    return this.outputs[row / this.classes]!;
  }

  /** Calls onHit for every keyword occurrence in text[start, end). */
  scan(text: string, onHit: (keyword: number, end: number) => void, start = 0, end = text.length): void {
    const { classOf, rows, rowHasOutput } = this;
    let row = 0;
    for (let i = start; i < end; i++) {
      const c = text.charCodeAt(i);
      row = c < 256 ? rows[row + classOf[c]!]! : 0;
      if (rowHasOutput[row] === 1) {
        const found = this.outputsAt(row);
        for (let j = 0; j < found.length; j++) onHit(found[j]!, i + 1);
      }
    }
  }
}
