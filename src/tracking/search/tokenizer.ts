import { type SearchField, grammarError, quoteForMessage } from './errors.js';

/** One dot-separated part of an identifier; `quoted` when written in backticks or double quotes. */
export interface IdentPart {
  text: string;
  quoted: boolean;
  /** 0-based offset of the part in the input. */
  start: number;
}

/** The comparison operators the tokenizer recognises (`==` and `<>` only to reject them clearly). */
export type OperatorToken = '=' | '!=' | '<' | '<=' | '>' | '>=' | '==' | '<>';

interface TokenBase {
  /** 0-based offset of the first character. */
  start: number;
  /** 0-based offset just past the last character. */
  end: number;
  /** The token exactly as written. */
  text: string;
}

/**
 * A token of MLflow's search language. Identifiers keep their dot-separated parts
 * (`tags.mlflow.user`, ``metrics.`f1 score` ``); bare words such as `AND` or `LIKE` are
 * identifiers with one unquoted part, recognised as keywords by the parser.
 */
export type Token =
  | (TokenBase & { type: 'ident'; parts: IdentPart[] })
  | (TokenBase & { type: 'string'; value: string; quote: "'" | '"' })
  | (TokenBase & { type: 'number'; value: number })
  | (TokenBase & { type: 'op'; value: OperatorToken })
  | (TokenBase & { type: 'punct'; value: '(' | ')' | ',' })
  | (TokenBase & { type: 'invalid' })
  | (TokenBase & { type: 'eof' });

const identStart = /[\p{L}_]/u;
const identChar = /[\p{L}\p{N}\p{M}_]/u;
const digit = /[0-9]/;
const space = /\s/u;
const numberPattern = /-?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?/y;

/**
 * Splits a filter or order_by string into tokens. Strings take single or double quotes; inside
 * them a doubled quote (`'it''s'`) or a backslash (`\'`, `\"`, `\\`) escapes, and any other
 * backslash stays as written. Keys may be quoted with backticks (a doubled backtick escapes) or
 * double quotes. Numbers may be negative, decimal and carry an exponent.
 *
 * A character outside the language becomes an `invalid` token followed by `eof`, so the parser can
 * say what it expected there. Throws INVALID_ARGUMENT naming the 1-based position on an
 * unterminated quote or a malformed number.
 */
export function tokenize(input: string, field: SearchField = 'filter', index?: number): Token[] {
  const fail = (at: number, message: string) => grammarError({ field, position: at + 1, index }, message);
  const tokens: Token[] = [];
  let i = 0;

  const readQuoted = (open: number, quote: string, backslashEscapes: boolean): [string, number] => {
    let out = '';
    let j = open + 1;
    while (j < input.length) {
      const c = input[j]!;
      if (c === quote) {
        if (input[j + 1] === quote) {
          out += quote;
          j += 2;
          continue;
        }
        return [out, j + 1];
      }
      if (backslashEscapes && c === '\\') {
        const n = input[j + 1];
        if (n === '\\' || n === "'" || n === '"') {
          out += n;
          j += 2;
          continue;
        }
      }
      out += c;
      j++;
    }
    const what = quote === '`' ? 'quoted key' : 'string';
    throw fail(open, `unterminated ${what} starting here; close it with ${quote}`);
  };

  const readPart = (at: number): [IdentPart, number] => {
    const c = input[at]!;
    if (c === '`') {
      const [text, end] = readQuoted(at, '`', false);
      return [{ text, quoted: true, start: at }, end];
    }
    if (c === '"') {
      const [text, end] = readQuoted(at, '"', true);
      return [{ text, quoted: true, start: at }, end];
    }
    let j = at;
    while (j < input.length && identChar.test(input[j]!)) j++;
    return [{ text: input.slice(at, j), quoted: false, start: at }, j];
  };

  const isPartStart = (c: string | undefined) =>
    c !== undefined && (identChar.test(c) || c === '`' || c === '"');

  const readChain = (first: IdentPart, afterFirst: number, start: number): number => {
    const parts = [first];
    let j = afterFirst;
    while (input[j] === '.') {
      if (!isPartStart(input[j + 1])) {
        const got = j + 1 < input.length ? quoteForMessage(input[j + 1]!) : 'end of input';
        throw fail(j + 1, `expected a key after ${quoteForMessage(input.slice(start, j + 1))}, got ${got}`);
      }
      const [part, end] = readPart(j + 1);
      parts.push(part);
      j = end;
    }
    tokens.push({ type: 'ident', parts, start, end: j, text: input.slice(start, j) });
    return j;
  };

  while (i < input.length) {
    const c = input[i]!;
    if (space.test(c)) {
      i++;
      continue;
    }
    if (identStart.test(c) || c === '`') {
      const [part, end] = readPart(i);
      i = readChain(part, end, i);
      continue;
    }
    if (c === '"') {
      const [value, end] = readQuoted(i, '"', true);
      if (input[end] === '.' && isPartStart(input[end + 1])) {
        i = readChain({ text: value, quoted: true, start: i }, end, i);
      } else {
        tokens.push({ type: 'string', value, quote: '"', start: i, end, text: input.slice(i, end) });
        i = end;
      }
      continue;
    }
    if (c === "'") {
      const [value, end] = readQuoted(i, "'", true);
      tokens.push({ type: 'string', value, quote: "'", start: i, end, text: input.slice(i, end) });
      i = end;
      continue;
    }
    const next = input[i + 1];
    const startsNumber =
      digit.test(c) ||
      (c === '.' && next !== undefined && digit.test(next)) ||
      (c === '-' &&
        next !== undefined &&
        (digit.test(next) || (next === '.' && digit.test(input[i + 2] ?? ''))));
    if (startsNumber) {
      numberPattern.lastIndex = i;
      const m = numberPattern.exec(input)!;
      const end = i + m[0].length;
      const after = input[end];
      if (after !== undefined && (identChar.test(after) || after === '.')) {
        let j = end;
        while (j < input.length && (identChar.test(input[j]!) || input[j] === '.')) j++;
        throw fail(
          i,
          `malformed number ${quoteForMessage(input.slice(i, j))}; numbers look like 3, -0.5 or 1e-3, and keys that start with a digit need backticks`,
        );
      }
      tokens.push({ type: 'number', value: Number(m[0]), start: i, end, text: m[0] });
      i = end;
      continue;
    }
    const two = input.slice(i, i + 2);
    if (two === '!=' || two === '<=' || two === '>=' || two === '==' || two === '<>') {
      tokens.push({ type: 'op', value: two, start: i, end: i + 2, text: two });
      i += 2;
      continue;
    }
    if (c === '=' || c === '<' || c === '>') {
      tokens.push({ type: 'op', value: c, start: i, end: i + 1, text: c });
      i++;
      continue;
    }
    if (c === '(' || c === ')' || c === ',') {
      tokens.push({ type: 'punct', value: c, start: i, end: i + 1, text: c });
      i++;
      continue;
    }
    // A character outside the language: the parser reports it with what it expected there.
    const text = String.fromCodePoint(input.codePointAt(i)!);
    tokens.push({ type: 'invalid', start: i, end: i + text.length, text });
    break;
  }
  const end = tokens.at(-1)?.type === 'invalid' ? tokens.at(-1)!.end : input.length;
  tokens.push({ type: 'eof', start: end, end, text: '' });
  return tokens;
}

/** The upper-cased keyword a token spells (`and` → `AND`), or undefined for anything else. */
export function keywordOf(token: Token): string | undefined {
  if (token.type !== 'ident' || token.parts.length !== 1 || token.parts[0]!.quoted) return undefined;
  return token.parts[0]!.text.toUpperCase();
}

/** Describes a token for "got …" in messages. */
export function describeToken(token: Token): string {
  return token.type === 'eof' ? 'end of input' : quoteForMessage(token.text);
}

/**
 * Writes `value` as a filter string literal that reads back as exactly `value`
 * (`it's` → `'it''s'`). Use it to build filters from user data.
 */
export function quoteFilterValue(value: string): string {
  return `'${value.replace(/\\/g, '\\\\').replace(/'/g, "''")}'`;
}

/** Writes `key` as a backtick-quoted key that reads back as exactly `key` (``a`b`` → ``` `a``b` ```). */
export function quoteFilterKey(key: string): string {
  return `\`${key.replace(/`/g, '``')}\``;
}
