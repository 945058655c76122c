/**
 * Type checking of parsed expressions against the columns available at a recipe step: unknown
 * columns are refused (listing the available ones), operands must have compatible types, and
 * each node learns its kind, which drives both the SQL and the row-by-row evaluation. Pure.
 */
import { LatheError } from '../../core/errors.js';
import type { Expr } from './expression-parser.js';
import type { ValueKind } from './recipe-types.js';
import { isNumericKind, parseDate, parseTimestamp } from './values.js';

/** A kind, or `null` for the literal null (fits anywhere). */
export type ExprKind = Exclude<ValueKind, 'other'> | 'null';

/** A checked expression: every node carries its kind. String literals compared with datetimes become datetime literals. */
export type Typed =
  | { t: 'col'; name: string; k: ExprKind }
  | { t: 'lit'; value: string | number | boolean | null; text?: string; k: ExprKind }
  | { t: 'neg'; arg: Typed; k: ExprKind }
  | { t: 'not'; arg: Typed; k: 'boolean' }
  | { t: 'arith'; op: '+' | '-' | '*' | '/' | '%'; l: Typed; r: Typed; k: ExprKind }
  | { t: 'concat'; l: Typed; r: Typed; k: 'string' }
  | { t: 'cmp'; op: '=' | '!=' | '<' | '<=' | '>' | '>='; l: Typed; r: Typed; k: 'boolean' }
  | { t: 'logic'; op: 'and' | 'or'; l: Typed; r: Typed; k: 'boolean' }
  | { t: 'in'; arg: Typed; items: Typed[]; not: boolean; k: 'boolean' }
  | { t: 'between'; arg: Typed; lo: Typed; hi: Typed; not: boolean; k: 'boolean' }
  | { t: 'isnull'; arg: Typed; not: boolean; k: 'boolean' }
  | { t: 'like'; arg: Typed; pattern: Typed; not: boolean; k: 'boolean' }
  | { t: 'call'; fn: string; args: Typed[]; k: ExprKind };

const datetimeFns = new Set(['year', 'quarter', 'month', 'day', 'weekday', 'dayofyear']);
const timeFns = new Set(['hour', 'minute', 'second']);

/**
 * Checks `e` against `columns` (name → kind at this step).
 * @throws LatheError RECIPE_INVALID with the position and what was expected.
 */
export function checkExpression(e: Expr, columns: ReadonlyMap<string, ValueKind>, source: string): Typed {
  const fail = (message: string, pos: number): never => {
    throw new LatheError('RECIPE_INVALID', message, { position: pos, expression: source });
  };
  const label = (k: ExprKind) =>
    k === 'null' ? 'null' : k === 'integer' || k === 'double' ? 'a number' : `a ${k}`;

  /** Unifies two kinds for comparison, coalesce and IN; null when they do not mix. */
  const unify = (a: ExprKind, b: ExprKind): ExprKind | null => {
    if (a === b) return a;
    if (a === 'null') return b;
    if (b === 'null') return a;
    if (isNumericKind(a) && isNumericKind(b)) return 'double';
    if ((a === 'date' || a === 'timestamp') && (b === 'date' || b === 'timestamp')) return 'timestamp';
    return null;
  };
  /** A string literal used where a date or timestamp is compared: parsed now, so both paths agree. */
  const asDatetime = (x: Typed, want: ExprKind, pos: number): Typed => {
    if (x.t !== 'lit' || x.k !== 'string' || (want !== 'date' && want !== 'timestamp')) return x;
    const text = x.value as string;
    const value = want === 'date' ? (parseDate(text) ?? parseTimestamp(text)) : parseTimestamp(text);
    if (value === null)
      fail(`'${text}' at position ${pos} is not a ${want}; write 'YYYY-MM-DD' or 'YYYY-MM-DD HH:MM:SS'`, pos);
    return value!.length === 10 ? { t: 'lit', value, k: 'date' } : { t: 'lit', value, k: 'timestamp' };
  };

  const visit = (e: Expr): Typed => {
    switch (e.t) {
      case 'col': {
        const k = columns.get(e.name);
        if (k === undefined)
          return fail(
            `unknown column ${JSON.stringify(e.name)} at position ${e.pos}; the columns at this step are ${[...columns.keys()].join(', ') || '(none)'}`,
            e.pos,
          );
        if (k === 'other')
          return fail(
            `column ${JSON.stringify(e.name)} at position ${e.pos} has a type expressions cannot use`,
            e.pos,
          );
        return { t: 'col', name: e.name, k };
      }
      case 'num': {
        const value = Number(e.text);
        if (e.integer && !Number.isSafeInteger(value))
          return fail(
            `the integer ${e.text} at position ${e.pos} is beyond ±2^53; write it as a decimal`,
            e.pos,
          );
        if (!Number.isFinite(value))
          return fail(`the number ${e.text} at position ${e.pos} is out of range`, e.pos);
        return { t: 'lit', value, text: e.text, k: e.integer ? 'integer' : 'double' };
      }
      case 'str':
        return { t: 'lit', value: e.value, k: 'string' };
      case 'bool':
        return { t: 'lit', value: e.value, k: 'boolean' };
      case 'null':
        return { t: 'lit', value: null, k: 'null' };
      case 'neg': {
        const arg = visit(e.arg);
        if (!isNumericKind(arg.k) && arg.k !== 'null')
          fail(`'-' at position ${e.pos} needs a number; got ${label(arg.k)}`, e.pos);
        return { t: 'neg', arg, k: arg.k };
      }
      case 'not': {
        const arg = visit(e.arg);
        if (arg.k !== 'boolean' && arg.k !== 'null')
          fail(`'not' at position ${e.pos} needs a condition; got ${label(arg.k)}`, e.pos);
        return { t: 'not', arg, k: 'boolean' };
      }
      case 'bin': {
        let l = visit(e.l);
        let r = visit(e.r);
        switch (e.op) {
          case 'and':
          case 'or':
            for (const x of [l, r])
              if (x.k !== 'boolean' && x.k !== 'null')
                fail(`'${e.op}' at position ${e.pos} joins conditions; got ${label(x.k)}`, e.pos);
            return { t: 'logic', op: e.op, l, r, k: 'boolean' };
          case '||':
            for (const x of [l, r])
              if (x.k !== 'string' && x.k !== 'null')
                fail(
                  `'||' at position ${e.pos} joins strings; got ${label(x.k)} (cast it to VARCHAR first)`,
                  e.pos,
                );
            return { t: 'concat', l, r, k: 'string' };
          case '+':
          case '-':
          case '*':
          case '/':
          case '%': {
            for (const x of [l, r])
              if (!isNumericKind(x.k) && x.k !== 'null')
                fail(`'${e.op}' at position ${e.pos} needs numbers; got ${label(x.k)}`, e.pos);
            const k: ExprKind =
              e.op === '/' || l.k === 'double' || r.k === 'double' ? 'double' : l.k === 'null' ? r.k : l.k;
            return { t: 'arith', op: e.op, l, r, k: k === 'null' ? 'double' : k };
          }
          default: {
            l = asDatetime(l, r.k, e.l.pos);
            r = asDatetime(r, l.k, e.r.pos);
            if (unify(l.k, r.k) === null)
              fail(`'${e.op}' at position ${e.pos} compares ${label(l.k)} with ${label(r.k)}`, e.pos);
            return { t: 'cmp', op: e.op, l, r, k: 'boolean' };
          }
        }
      }
      case 'in': {
        const arg = visit(e.arg);
        const items = e.items.map((item, i) => {
          const x = asDatetime(visit(item), arg.k, e.items[i]!.pos);
          if (unify(arg.k, x.k) === null)
            fail(`'in' at position ${e.pos}: ${label(x.k)} in a list for ${label(arg.k)}`, e.items[i]!.pos);
          return x;
        });
        return { t: 'in', arg, items, not: e.not, k: 'boolean' };
      }
      case 'between': {
        const arg = visit(e.arg);
        const lo = asDatetime(visit(e.lo), arg.k, e.lo.pos);
        const hi = asDatetime(visit(e.hi), arg.k, e.hi.pos);
        for (const x of [lo, hi])
          if (unify(arg.k, x.k) === null)
            fail(`'between' at position ${e.pos} compares ${label(arg.k)} with ${label(x.k)}`, e.pos);
        return { t: 'between', arg, lo, hi, not: e.not, k: 'boolean' };
      }
      case 'isnull':
        return { t: 'isnull', arg: visit(e.arg), not: e.not, k: 'boolean' };
      case 'like': {
        const arg = visit(e.arg);
        const pattern = visit(e.pattern);
        for (const x of [arg, pattern])
          if (x.k !== 'string' && x.k !== 'null')
            fail(`'like' at position ${e.pos} needs strings; got ${label(x.k)}`, e.pos);
        return { t: 'like', arg, pattern, not: e.not, k: 'boolean' };
      }
      case 'call':
        return call(e);
    }
  };

  const call = (e: Extract<Expr, { t: 'call' }>): Typed => {
    const args = e.args.map(visit);
    const a = args[0]!;
    const need = (ok: boolean, what: string) => {
      if (!ok) fail(`${e.fn}() at position ${e.pos} needs ${what}; got ${label(a.k)}`, e.pos);
    };
    const numeric = isNumericKind(a.k) || a.k === 'null';
    switch (e.fn) {
      case 'abs':
        need(numeric, 'a number');
        return { t: 'call', fn: e.fn, args, k: a.k === 'null' ? 'double' : a.k };
      case 'round': {
        need(numeric, 'a number');
        if (args.length === 2) {
          const p = e.args[1]!;
          const ok = p.t === 'num' ? p.integer : p.t === 'neg' && p.arg.t === 'num' && p.arg.integer;
          if (!ok)
            fail(
              `round() at position ${e.pos} takes its number of digits as an integer such as 2 or -1`,
              e.pos,
            );
          const digits = Number(p.t === 'num' ? p.text : `-${(p as { arg: { text: string } }).arg.text}`);
          if (Math.abs(digits) > 15)
            fail(`round() at position ${e.pos} rounds to at most 15 digits either side`, e.pos);
          return { t: 'call', fn: e.fn, args: [a, { t: 'lit', value: digits, k: 'integer' }], k: 'double' };
        }
        return { t: 'call', fn: e.fn, args, k: a.k === 'integer' ? 'integer' : 'double' };
      }
      case 'floor':
      case 'ceil':
      case 'ln':
      case 'log10':
      case 'sqrt':
      case 'exp':
        need(numeric, 'a number');
        return { t: 'call', fn: e.fn, args, k: 'double' };
      case 'lower':
      case 'upper':
      case 'trim':
        need(a.k === 'string' || a.k === 'null', 'a string');
        return { t: 'call', fn: e.fn, args, k: 'string' };
      case 'length':
        need(a.k === 'string' || a.k === 'null', 'a string');
        return { t: 'call', fn: e.fn, args, k: 'integer' };
      case 'coalesce': {
        let k: ExprKind = 'null';
        for (const [i, x] of args.entries()) {
          const u = unify(k, x.k);
          if (u === null)
            fail(
              `coalesce() at position ${e.pos} mixes ${label(k)} and ${label(x.k)} (argument ${i + 1})`,
              e.pos,
            );
          k = u!;
        }
        const typed = args.map((x) => asDatetime(x, k, e.pos));
        return { t: 'call', fn: e.fn, args: typed, k };
      }
      default:
        if (datetimeFns.has(e.fn))
          need(a.k === 'date' || a.k === 'timestamp' || a.k === 'null', 'a date or timestamp');
        else if (timeFns.has(e.fn)) need(a.k === 'timestamp' || a.k === 'null', 'a timestamp');
        else fail(`unknown function ${e.fn}() at position ${e.pos}`, e.pos);
        return { t: 'call', fn: e.fn, args, k: 'integer' };
    }
  };

  return visit(e);
}
