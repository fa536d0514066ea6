// Splits a byte stream into lines without decoding it. Each line is a range of the chunk it came
// from (no copy, not even a view object) unless it straddles chunks. Synchronous callbacks rather
// than an async iterator per line: patch streams have millions of lines and a promise (or a
// Buffer view) per line costs more than the parsing.

/** The line is bytes[start, end), without its newline; the bytes are only valid during the call. */
export type LineHandler = (bytes: Buffer, start: number, end: number, truncated: boolean) => void;

export class LineSplitter {
  private pieces: Buffer[] = [];
  private pieceBytes = 0;
  private overflow = false;
  private readonly maxLineBytes: number;

  /** Lines longer than maxLineBytes are cut there and reported as truncated, never buffered whole. */
  constructor(maxLineBytes = 64 * 1024 * 1024) {
    this.maxLineBytes = maxLineBytes;
  }

  push(chunk: Buffer, onLine: LineHandler): void {
    let start = 0;
    let nl = chunk.indexOf(10);
    while (nl !== -1) {
      if (this.pieceBytes > 0 || this.overflow) {
        this.keep(chunk.subarray(start, nl));
        const line = this.pieces.length === 1 ? this.pieces[0]! : Buffer.concat(this.pieces);
        onLine(line, 0, line.length, this.overflow);
        this.reset();
      } else if (nl - start > this.maxLineBytes) {
        onLine(chunk, start, start + this.maxLineBytes, true);
      } else {
        onLine(chunk, start, nl, false);
      }
      start = nl + 1;
      nl = chunk.indexOf(10, start);
    }
    if (start < chunk.length) this.keep(chunk.subarray(start));
  }

  end(onLine: LineHandler): void {
    if (this.pieceBytes > 0 || this.overflow) {
      const line = Buffer.concat(this.pieces);
      onLine(line, 0, line.length, this.overflow);
    }
    this.reset();
  }

  private keep(piece: Buffer): void {
    const room = this.maxLineBytes - this.pieceBytes;
    if (piece.length > room) {
      this.overflow = true;
      piece = piece.subarray(0, Math.max(0, room));
    }
    if (piece.length) {
      this.pieces.push(piece);
      this.pieceBytes += piece.length;
    }
  }

  private reset(): void {
    this.pieces = [];
    this.pieceBytes = 0;
    this.overflow = false;
  }
}
