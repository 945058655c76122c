import { describeValue, LatheError } from '../../../core/index.js';

/** The first words a query that only reads rows may start with. */
const readingKeywords = ['select', 'with', 'values', 'table'] as const;

/** The longest query text accepted, in characters. */
const maxQueryLength = 1_000_000;

/**
 * Checks that `text` is one SQL statement that reads rows, and answers it without its trailing
 * `;` (and anything after it, which may only be blanks, comments and more `;`). Quotes (`'…'`,
 * `E'…'`, `"…"`, `$tag$…$tag$`) and comments (`-- …`, nested `/* … *\/`) are skipped, so a `;`
 * inside them is not a separator.
 *
 * The query must begin with SELECT, WITH, VALUES or TABLE (after blanks, comments and opening
 * parentheses). That is not the guard against writes: the query also runs in a READ ONLY
 * transaction, which refuses them; this check only gives a clear message early.
 * @throws LatheError `INVALID_ARGUMENT` for an empty text, unterminated quotes or comments, a
 *   second statement, or a statement of another kind.
 */
export function singleStatement(text: unknown): string {
  if (typeof text !== 'string')
    throw new LatheError('INVALID_ARGUMENT', `query must be a string of SQL; got ${describeValue(text)}`);
  if (text.length > maxQueryLength)
    throw new LatheError(
      'INVALID_ARGUMENT',
      `the query is ${text.length} characters long; at most ${maxQueryLength} are accepted`,
    );
  const end = statementEnd(text);
  const statement = text.slice(0, end);
  if (end < text.length) {
    const rest = firstCode(text, end + 1, true);
    if (rest < text.length)
      throw new LatheError(
        'INVALID_ARGUMENT',
        `the query must be one statement, but more SQL follows the ';' at character ${end + 1} ` +
          `(character ${rest + 1}: ${JSON.stringify(text.slice(rest, rest + 20))}); ` +
          'a trailing ";" is allowed, a second statement is not',
      );
  }
  let start = firstCode(statement, 0, false);
  while (statement[start] === '(') start = firstCode(statement, start + 1, false);
  if (start >= statement.length)
    throw new LatheError('INVALID_ARGUMENT', 'the query is empty; expected one SELECT statement');
  const word = /^[A-Za-z_]+/.exec(statement.slice(start))?.[0] ?? statement.slice(start, start + 1);
  if (!readingKeywords.includes(word.toLowerCase() as never))
    throw new LatheError(
      'INVALID_ARGUMENT',
      `only a query that reads rows can be ingested (it starts with SELECT, WITH, VALUES or TABLE); ` +
        `this one starts with ${JSON.stringify(word.slice(0, 40).toUpperCase())}`,
    );
  return statement.replace(/\s+$/, '');
}

/** The index of the first `;` outside quotes and comments, or `text.length`. */
function statementEnd(text: string): number {
  let i = 0;
  while (i < text.length) {
    const ch = text[i]!;
    if (ch === ';') return i;
    i = skipToken(text, i);
  }
  return text.length;
}

/**
 * The index of the first character at or after `from` that is not a blank or a comment (nor a
 * `;` when `semicolons`), or `text.length`.
 */
function firstCode(text: string, from: number, semicolons: boolean): number {
  let i = from;
  while (i < text.length) {
    const ch = text[i]!;
    if (/\s/.test(ch) || (semicolons && ch === ';')) i++;
    else if (text.startsWith('--', i) || text.startsWith('/*', i)) i = skipToken(text, i);
    else return i;
  }
  return text.length;
}

/** The index just past the token (quoted text, comment, or one character) starting at `i`. */
function skipToken(text: string, i: number): number {
  const ch = text[i]!;
  if (text.startsWith('--', i)) {
    const nl = text.indexOf('\n', i);
    return nl < 0 ? text.length : nl + 1;
  }
  if (text.startsWith('/*', i)) {
    let depth = 0;
    let j = i;
    while (j < text.length) {
      if (text.startsWith('/*', j)) {
        depth++;
        j += 2;
      } else if (text.startsWith('*/', j)) {
        depth--;
        j += 2;
        if (depth === 0) return j;
      } else j++;
    }
    return unterminated('comment', i);
  }
  if (ch === "'") {
    // E'…' strings take backslash escapes; standard strings only doubled quotes.
    const escapes = i > 0 && /[eE]/.test(text[i - 1]!) && (i < 2 || !/[\w$]/.test(text[i - 2]!));
    return closeQuote(text, i, "'", escapes, 'string');
  }
  if (ch === '"') return closeQuote(text, i, '"', false, 'quoted identifier');
  if (ch === '$') {
    const tag = /^\$([A-Za-z_][A-Za-z0-9_]*)?\$/.exec(text.slice(i, i + 130));
    // `$1` is a parameter and `a$b$` part of an identifier, not dollar quotes.
    if (tag && (i === 0 || !/[\w$]/.test(text[i - 1]!))) {
      const close = text.indexOf(tag[0], i + tag[0].length);
      if (close < 0) return unterminated('dollar-quoted string', i);
      return close + tag[0].length;
    }
  }
  return i + 1;
}

function closeQuote(text: string, i: number, quote: string, escapes: boolean, what: string): number {
  let j = i + 1;
  while (j < text.length) {
    const c = text[j]!;
    if (escapes && c === '\\') j += 2;
    else if (c === quote) {
      if (text[j + 1] === quote) j += 2;
      else return j + 1;
    } else j++;
  }
  return unterminated(what, i);
}

function unterminated(what: string, at: number): never {
  throw new LatheError(
    'INVALID_ARGUMENT',
    `the query has an unterminated ${what} starting at character ${at + 1}`,
  );
}
