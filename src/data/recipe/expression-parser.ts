/**
 * The tokenizer and parser of recipe expressions (`filter` and `derive`): a small language, not
 * SQL. Columns, numbers, 'strings', true/false/null, arithmetic (+ - * / %), `||`, comparisons,
 * and/or/not, [not] in (...), [not] between … and …, is [not] null, [not] like, parentheses and a
 * whitelist of functions. Anything else is refused with the character position (1-based) and
 * what was expected. Pure: safe for the SDK and browsers.
 */
import { LatheError } from '../../core/errors.js';

/** A parsed expression. `pos` is the 1-based character position where the node starts. */
export type Expr =
  | { t: 'col'; name: string; pos: number }
  | { t: 'num'; text: string; integer: boolean; pos: number }
  | { t: 'str'; value: string; pos: number }
  | { t: 'bool'; value: boolean; pos: number }
  | { t: 'null'; pos: number }
  | { t: 'neg'; arg: Expr; pos: number }
  | { t: 'not'; arg: Expr; pos: number }
  | { t: 'bin'; op: BinaryOp; l: Expr; r: Expr; pos: number }
  | { t: 'in'; arg: Expr; items: Expr[]; not: boolean; pos: number }
  | { t: 'between'; arg: Expr; lo: Expr; hi: Expr; not: boolean; pos: number }
  | { t: 'isnull'; arg: Expr; not: boolean; pos: number }
  | { t: 'like'; arg: Expr; pattern: Expr; not: boolean; pos: number }
  | { t: 'call'; fn: string; args: Expr[]; pos: number };

export type BinaryOp =
  | '+'
  | '-'
  | '*'
  | '/'
  | '%'
  | '||'
  | '='
  | '!='
  | '<'
  | '<='
  | '>'
  | '>='
  | 'and'
  | 'or';

type Token =
  | { k: 'num'; text: string; integer: boolean; pos: number }
  | { k: 'str'; value: string; pos: number }
  | { k: 'ident'; name: string; quoted: boolean; pos: number }
  | { k: 'op'; op: string; pos: number }
  | { k: 'kw'; word: string; pos: number }
  | { k: 'other'; text: string; pos: number }
  | { k: 'end'; pos: number };

/** Words of the language itself. */
const keywords = new Set(['and', 'or', 'not', 'in', 'between', 'is', 'null', 'like', 'true', 'false']);
/** SQL words refused as bare column names, so no statement can be spelled (quote a column so named). */
const sqlWords = new Set([
  'select', 'from', 'where', 'union', 'intersect', 'except', 'all', 'any', 'some', 'exists', 'case', 'when',
  'then', 'else', 'end', 'cast', 'as', 'join', 'on', 'using', 'group', 'by', 'order', 'having', 'limit',
  'offset', 'insert', 'update', 'delete', 'drop', 'create', 'alter', 'table', 'into', 'values', 'with',
  'distinct', 'attach', 'copy', 'pragma', 'install', 'load', 'set', 'call', 'ilike', 'glob', 'similar',
  'escape', 'collate', 'over', 'filter', 'window', 'lambda', 'returning', 'describe', 'show', 'export',
  'import', 'checkpoint', 'vacuum', 'begin', 'commit', 'rollback',
]); // biome-ignore format: a word list

const operators = ['<>', '!=', '<=', '>=', '||', '+', '-', '*', '/', '%', '(', ')', ',', '=', '<', '>'];

function fail(message: string, pos: number, expression: string): never {
  throw new LatheError('RECIPE_INVALID', message, { position: pos, expression });
}

/** Splits an expression into tokens; unknown characters become `other` tokens the parser refuses. */
export function tokenize(src: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  while (i < src.length) {
    const ch = src[i]!;
    const pos = i + 1;
    if (/\s/.test(ch)) {
      i++;
      continue;
    }
    if (/[0-9]/.test(ch) || (ch === '.' && /[0-9]/.test(src[i + 1] ?? ''))) {
      const m = /^([0-9]*\.?[0-9]*)([eE][+-]?[0-9]+)?/.exec(src.slice(i))!;
      const text = m[0];
      if (/[A-Za-z_]/.test(src[i + text.length] ?? ''))
        fail(
          `a number cannot run into letters at position ${pos}: ${JSON.stringify(src.slice(i, i + text.length + 1))}`,
          pos,
          src,
        );
      out.push({ k: 'num', text, integer: /^[0-9]+$/.test(text), pos });
      i += text.length;
      continue;
    }
    if (ch === "'" || ch === '"') {
      let j = i + 1;
      let value = '';
      for (;;) {
        if (j >= src.length)
          fail(
            `unterminated ${ch === "'" ? 'string' : 'quoted column name'} starting at position ${pos}: expected a closing ${ch}`,
            pos,
            src,
          );
        if (src[j] === ch) {
          if (src[j + 1] === ch) {
            value += ch;
            j += 2;
            continue;
          }
          break;
        }
        value += src[j];
        j++;
      }
      if (ch === "'") out.push({ k: 'str', value, pos });
      else {
        if (value === '') fail(`an empty quoted column name at position ${pos}`, pos, src);
        out.push({ k: 'ident', name: value, quoted: true, pos });
      }
      i = j + 1;
      continue;
    }
    if (/[A-Za-z_]/.test(ch)) {
      const name = /^[A-Za-z_][A-Za-z0-9_]*/.exec(src.slice(i))![0];
      const lower = name.toLowerCase();
      out.push(
        keywords.has(lower) ? { k: 'kw', word: lower, pos } : { k: 'ident', name, quoted: false, pos },
      );
      i += name.length;
      continue;
    }
    const op = operators.find((o) => src.startsWith(o, i));
    if (op) {
      out.push({ k: 'op', op: op === '<>' ? '!=' : op, pos });
      i += op.length;
      continue;
    }
    out.push({ k: 'other', text: String.fromCodePoint(src.codePointAt(i)!), pos });
    i += ch.length;
  }
  out.push({ k: 'end', pos: src.length + 1 });
  return out;
}

function describe(t: Token): string {
  switch (t.k) {
    case 'num':
      return `the number ${t.text}`;
    case 'str':
      return `the string '${t.value.length > 30 ? `${t.value.slice(0, 27)}...` : t.value}'`;
    case 'ident':
      return sqlWords.has(t.name.toLowerCase()) && !t.quoted
        ? `the SQL word '${t.name}' (SQL statements are not allowed; write "${t.name}" for a column of that name)`
        : `the column ${JSON.stringify(t.name)}`;
    case 'op':
      return `'${t.op}'`;
    case 'kw':
      return `'${t.word}'`;
    case 'other':
      return `'${t.text}'`;
    case 'end':
      return 'the end of the expression';
  }
}

/** The functions expressions may call, with how many arguments each takes. */
const functionArity: Record<string, [number, number]> = {
  abs: [1, 1],
  round: [1, 2],
  floor: [1, 1],
  ceil: [1, 1],
  ln: [1, 1],
  log10: [1, 1],
  sqrt: [1, 1],
  exp: [1, 1],
  lower: [1, 1],
  upper: [1, 1],
  trim: [1, 1],
  length: [1, 1],
  coalesce: [1, 32],
  year: [1, 1],
  quarter: [1, 1],
  month: [1, 1],
  day: [1, 1],
  weekday: [1, 1],
  dayofyear: [1, 1],
  hour: [1, 1],
  minute: [1, 1],
  second: [1, 1],
};

/** Longest expression text accepted. */
const maxLength = 10_000;
/** Deepest nesting accepted. */
const maxDepth = 64;

/**
 * Parses an expression.
 * @throws LatheError RECIPE_INVALID naming the position, what was expected and what arrived.
 */
export function parseExpression(src: string): Expr {
  if (typeof src !== 'string' || src.trim() === '')
    throw new LatheError('RECIPE_INVALID', 'an expression must be non-empty text such as "age >= 18"');
  if (src.length > maxLength)
    throw new LatheError(
      'RECIPE_INVALID',
      `an expression is at most ${maxLength} characters; got ${src.length}`,
    );
  const tokens = tokenize(src);
  let i = 0;
  let depth = 0;
  const peek = () => tokens[i]!;
  const next = () => tokens[i++]!;
  const isOp = (op: string) => peek().k === 'op' && (peek() as { op: string }).op === op;
  const isKw = (w: string) => peek().k === 'kw' && (peek() as { word: string }).word === w;
  const expect = (what: string): never =>
    fail(`expected ${what} at position ${peek().pos}, got ${describe(peek())}`, peek().pos, src);
  const expectOp = (op: string, what = `'${op}'`) => {
    if (!isOp(op)) expect(what);
    next();
  };
  const enter = () => {
    if (++depth > maxDepth)
      fail(`the expression nests deeper than ${maxDepth} levels at position ${peek().pos}`, peek().pos, src);
  };

  const or = (): Expr => {
    let l = and();
    while (isKw('or')) {
      const pos = next().pos;
      l = { t: 'bin', op: 'or', l, r: and(), pos };
    }
    return l;
  };
  const and = (): Expr => {
    let l = not();
    while (isKw('and')) {
      const pos = next().pos;
      l = { t: 'bin', op: 'and', l, r: not(), pos };
    }
    return l;
  };
  const not = (): Expr => {
    if (isKw('not')) {
      const pos = next().pos;
      enter();
      const arg = not();
      depth--;
      return { t: 'not', arg, pos };
    }
    return comparison();
  };
  const comparison = (): Expr => {
    const l = concat();
    const t = peek();
    if (t.k === 'op' && ['=', '!=', '<', '<=', '>', '>='].includes(t.op)) {
      next();
      return { t: 'bin', op: t.op as BinaryOp, l, r: concat(), pos: t.pos };
    }
    if (isKw('is')) {
      next();
      const negated = isKw('not');
      if (negated) next();
      if (!isKw('null')) expect("'null' after 'is'");
      next();
      return { t: 'isnull', arg: l, not: negated, pos: t.pos };
    }
    let negated = false;
    if (isKw('not')) {
      negated = true;
      next();
      if (!isKw('in') && !isKw('between') && !isKw('like')) expect("'in', 'between' or 'like' after 'not'");
    }
    if (isKw('in')) {
      next();
      expectOp('(', "'(' after 'in'");
      const items = [concat()];
      while (isOp(',')) {
        next();
        items.push(concat());
      }
      expectOp(')', "',' or ')' in the list after 'in'");
      return { t: 'in', arg: l, items, not: negated, pos: t.pos };
    }
    if (isKw('between')) {
      next();
      const lo = concat();
      if (!isKw('and')) expect("'and' in 'between … and …'");
      next();
      return { t: 'between', arg: l, lo, hi: concat(), not: negated, pos: t.pos };
    }
    if (isKw('like')) {
      next();
      return { t: 'like', arg: l, pattern: concat(), not: negated, pos: t.pos };
    }
    return l;
  };
  const concat = (): Expr => {
    let l = additive();
    while (isOp('||')) {
      const pos = next().pos;
      l = { t: 'bin', op: '||', l, r: additive(), pos };
    }
    return l;
  };
  const additive = (): Expr => {
    let l = multiplicative();
    while (isOp('+') || isOp('-')) {
      const t = next() as { op: BinaryOp; pos: number };
      l = { t: 'bin', op: t.op, l, r: multiplicative(), pos: t.pos };
    }
    return l;
  };
  const multiplicative = (): Expr => {
    let l = unary();
    while (isOp('*') || isOp('/') || isOp('%')) {
      const t = next() as { op: BinaryOp; pos: number };
      l = { t: 'bin', op: t.op, l, r: unary(), pos: t.pos };
    }
    return l;
  };
  const unary = (): Expr => {
    if (isOp('-') || isOp('+')) {
      const t = next() as { op: string; pos: number };
      enter();
      const arg = unary();
      depth--;
      return t.op === '-' ? { t: 'neg', arg, pos: t.pos } : arg;
    }
    return primary();
  };
  const primary = (): Expr => {
    const t = peek();
    switch (t.k) {
      case 'num':
        next();
        return { t: 'num', text: t.text, integer: t.integer, pos: t.pos };
      case 'str':
        next();
        return { t: 'str', value: t.value, pos: t.pos };
      case 'kw':
        if (t.word === 'true' || t.word === 'false') {
          next();
          return { t: 'bool', value: t.word === 'true', pos: t.pos };
        }
        if (t.word === 'null') {
          next();
          return { t: 'null', pos: t.pos };
        }
        return expect("a column, number, string or '('");
      case 'ident': {
        if (!t.quoted && sqlWords.has(t.name.toLowerCase())) return expect("a column, number, string or '('");
        next();
        if (!t.quoted && isOp('(')) {
          const fn = t.name.toLowerCase();
          if (!functionArity[fn])
            fail(
              `unknown function '${t.name}' at position ${t.pos}; the functions are ${Object.keys(functionArity).join(', ')}`,
              t.pos,
              src,
            );
          next();
          enter();
          const args: Expr[] = [];
          if (!isOp(')')) {
            args.push(or());
            while (isOp(',')) {
              next();
              args.push(or());
            }
          }
          expectOp(')', "',' or ')' after a function argument");
          depth--;
          const [min, max] = functionArity[fn]!;
          if (args.length < min || args.length > max)
            fail(
              `${fn}() takes ${min === max ? min : `${min} to ${max}`} argument${max === 1 ? '' : 's'}; got ${args.length} at position ${t.pos}`,
              t.pos,
              src,
            );
          return { t: 'call', fn, args, pos: t.pos };
        }
        return { t: 'col', name: t.name, pos: t.pos };
      }
      case 'op':
        if (t.op === '(') {
          next();
          enter();
          const e = or();
          depth--;
          expectOp(')', "')'");
          return e;
        }
        return expect("a column, number, string or '('");
      default:
        return expect("a column, number, string or '('");
    }
  };

  const e = or();
  if (peek().k !== 'end') expect('an operator or the end of the expression');
  return e;
}
