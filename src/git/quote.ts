// git's C-style path quoting ("a\tb", octal bytes for non-ASCII): the inverse, so file names
// with spaces, tabs, newlines or UTF-8 come out exactly as they are in the tree.

export function unquoteGitPath(text: string): string {
  if (!text.startsWith('"') || !text.endsWith('"') || text.length < 2) return text;
  const bytes: number[] = [];
  const body = text.slice(1, -1);
  for (let i = 0; i < body.length; i++) {
    const c = body[i]!;
    if (c !== '\\') {
      bytes.push(...Buffer.from(c, 'utf8'));
      continue;
    }
    const n = body[++i];
    switch (n) {
      case 'a': bytes.push(7); break;
      case 'b': bytes.push(8); break;
      case 't': bytes.push(9); break;
      case 'n': bytes.push(10); break;
      case 'v': bytes.push(11); break;
      case 'f': bytes.push(12); break;
      case 'r': bytes.push(13); break;
      case '"': bytes.push(34); break;
      case '\\': bytes.push(92); break;
      default:
        if (n !== undefined && /[0-7]/.test(n)) {
          bytes.push(parseInt(body.slice(i, i + 3), 8));
          i += 2;
        } else if (n !== undefined) bytes.push(...Buffer.from(n, 'utf8'));
    }
  }
  return Buffer.from(bytes).toString('utf8');
}
