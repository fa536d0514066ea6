// Every message gatehouse can write about itself goes through the redactor (errors, hints, log
// lines). Collected here from the source (the text of each `new ...Error(...)`, each `hint:`
// and each logger call), with its ${...} parts filled in, in turn, with the names messages
// really carry (keys like store.password, rule ids like generic-api-key) and with a
// credential-shaped value: the words must come out exactly as they went in, the value masked.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { forgetAllSecrets, redactText } from '../../src/log/redact.ts';

const SRC = fileURLToPath(new URL('../../src', import.meta.url));
const FAKE_TOKEN = 'ghp_' + 'Zz9Yy8Xx7Ww6Vv5Uu4Tt3Ss2Rr1Qq0Pp9Oo8';
const VALUE_SLOT = /(?:pass(?:word|wd)?|secret|token|api[_-]?key|access[_-]?key|private[_-]?key|client[_-]?secret|auth)["']?\s*[:=]\s*["']?$/i;
const NAMES = ['store.password', 'generic-api-key', 'token', 'credential.rule[0] (github).env', 'GITHUB_TOKEN', 'auth', 'client-secret'];

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return name.endsWith('.ts') ? [path] : [];
  });
}

/** The string literal starting at text[start] (', " or `), as parts: literal text and ${} holes. */
function readLiteral(text: string, start: number): string[] | null {
  const quote = text[start];
  if (quote !== "'" && quote !== '"' && quote !== '`') return null;
  const parts: string[] = [''];
  for (let i = start + 1; i < text.length; i++) {
    const c = text[i]!;
    if (c === '\\') {
      const next = text[++i]!;
      parts[parts.length - 1] += next === 'n' ? '\n' : next;
    } else if (c === quote) return parts;
    else if (quote === '`' && c === '$' && text[i + 1] === '{') {
      let depth = 1;
      i += 2;
      while (depth > 0 && i < text.length) {
        if (text[i] === '{') depth++;
        else if (text[i] === '}') depth--;
        else if (text[i] === '`') {
          // a nested template: skip to its end
          i++;
          while (i < text.length && text[i] !== '`') i += text[i] === '\\' ? 2 : 1;
        }
        if (depth > 0) i++;
      }
      parts.push('');
    } else parts[parts.length - 1] += c;
  }
  return null;
}

function collectMessages(): Array<{ where: string; parts: string[] }> {
  const found: Array<{ where: string; parts: string[] }> = [];
  const opener = /(?:new [A-Za-z]*Error\(\s*(?:[^,()'"`]+,\s*){0,3}|\bhint:\s*|\b(?:log|logger|this\.log|options\.logger)\.(?:debug|info|warn|error)\(\s*)(?=['"`])/g;
  for (const file of sourceFiles(SRC)) {
    const text = readFileSync(file, 'utf8');
    for (const m of text.matchAll(opener)) {
      const start = m.index + m[0].length;
      const parts = readLiteral(text, start);
      if (parts && parts.join('').trim()) found.push({ where: `${file.slice(SRC.length + 1)}:${text.slice(0, start).split('\n').length}`, parts });
    }
  }
  return found;
}

describe('the redactor and every message the code writes', () => {
  const messages = collectMessages();

  it('finds the messages (the collector is not silently empty)', () => {
    assert.ok(messages.length > 250, `only ${messages.length} messages found`);
    const texts = messages.map((m) => m.parts.join('${}'));
    assert.ok(texts.some((t) => t.includes('environment variable ${} is unset or empty')));
    assert.ok(texts.some((t) => t.includes('needs a regex or a path')));
  });

  it('leaves the words of every message alone, whatever names fill it', () => {
    forgetAllSecrets();
    const garbled: string[] = [];
    for (const { where, parts } of messages) {
      // One hole at a time holds a name, the others an ordinary word.
      for (let hole = 1; hole < Math.max(2, parts.length); hole++) {
        // After "password=" or "token:" a hole is a value slot: masking it is right (next test).
        if (parts.length > 1 && VALUE_SLOT.test(parts[hole - 1]!)) continue;
        for (const name of NAMES) {
          const text = parts.map((p, i) => (i === 0 ? p : `${i === hole ? name : 'example'}${p}`)).join('');
          const out = redactText(text);
          if (out !== text) garbled.push(`${where}: ${JSON.stringify(text)} -> ${JSON.stringify(out)}`);
        }
      }
    }
    assert.deepEqual(garbled, []);
  });

  it('still masks a credential-shaped value wherever a message carries one', () => {
    const leaked: string[] = [];
    for (const { where, parts } of messages) {
      if (parts.length < 2) continue;
      const out = redactText(parts.join(` ${FAKE_TOKEN} `));
      if (out.includes(FAKE_TOKEN)) leaked.push(`${where}: ${out}`);
    }
    assert.deepEqual(leaked, []);
  });
});
