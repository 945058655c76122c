/**
 * Row-by-row evaluation of checked expressions, with the semantics of the SQL that
 * `expressionSql` writes for DuckDB: NULL propagation and three-valued logic, `/` as double
 * division, NULL for results that are not finite (x/0, 0/0, overflow), NULL outside the
 * domain of ln/log10/sqrt. Pure: safe for the SDK and browsers.
 */
import type { ExprKind, Typed } from './expression-check.js';
import {
  compareValues,
  datetimeParts,
  dateToTimestamp,
  finite,
  likeMatch,
  lowerText,
  roundHalfAway,
  roundTo,
  textLength,
  trimText,
  upperText,
} from './values.js';

type Value = string | number | boolean | null;

/** A date value widened when the other side of a comparison is a timestamp. */
function widen(v: Value, from: ExprKind, to: ExprKind): Value {
  return v !== null && from === 'date' && to === 'timestamp' ? dateToTimestamp(v as string) : v;
}

function compare(a: Value, ak: ExprKind, b: Value, bk: ExprKind): number | null {
  if (a === null || b === null) return null;
  return compareValues(widen(a, ak, bk), widen(b, bk, ak));
}

const and = (a: Value, b: Value): Value =>
  a === false || b === false ? false : a === null || b === null ? null : true;
const or = (a: Value, b: Value): Value =>
  a === true || b === true ? true : a === null || b === null ? null : false;
const not = (a: Value): Value => (a === null ? null : !a);

/** Evaluates `e` on `row` (values in the recipe's internal form, see values.ts). */
export function evaluate(e: Typed, row: Readonly<Record<string, unknown>>): Value {
  switch (e.t) {
    case 'col': {
      const v = row[e.name];
      if (v === undefined || v === null) return null;
      return (e.k === 'integer' || e.k === 'double') && typeof v === 'string' ? Number(v) : (v as Value);
    }
    case 'lit':
      return e.value;
    case 'neg': {
      const v = evaluate(e.arg, row);
      return v === null ? null : -(v as number);
    }
    case 'not':
      return not(evaluate(e.arg, row));
    case 'arith': {
      const l = evaluate(e.l, row);
      const r = evaluate(e.r, row);
      if (l === null || r === null) return null;
      const a = l as number;
      const b = r as number;
      switch (e.op) {
        case '+':
          return e.k === 'double' ? finite(a + b) : a + b;
        case '-':
          return e.k === 'double' ? finite(a - b) : a - b;
        case '*':
          return e.k === 'double' ? finite(a * b) : a * b;
        case '/':
          return b === 0 ? null : finite(a / b);
        case '%':
          return b === 0 ? null : finite(a % b);
      }
      return null;
    }
    case 'concat': {
      const l = evaluate(e.l, row);
      const r = evaluate(e.r, row);
      return l === null || r === null ? null : `${l}${r}`;
    }
    case 'cmp': {
      const c = compare(evaluate(e.l, row), e.l.k, evaluate(e.r, row), e.r.k);
      if (c === null) return null;
      switch (e.op) {
        case '=':
          return c === 0;
        case '!=':
          return c !== 0;
        case '<':
          return c < 0;
        case '<=':
          return c <= 0;
        case '>':
          return c > 0;
        case '>=':
          return c >= 0;
      }
      return null;
    }
    case 'logic': {
      const l = evaluate(e.l, row);
      // Both sides are evaluated, as SQL may: neither can fail, so the answer is the same.
      const r = evaluate(e.r, row);
      return e.op === 'and' ? and(l, r) : or(l, r);
    }
    case 'in': {
      const v = evaluate(e.arg, row);
      if (v === null) return null;
      let sawNull = false;
      for (const item of e.items) {
        const c = compare(v, e.arg.k, evaluate(item, row), item.k);
        if (c === null) sawNull = true;
        else if (c === 0) return !e.not;
      }
      return sawNull ? null : e.not;
    }
    case 'between': {
      const v = evaluate(e.arg, row);
      const lo = compare(v, e.arg.k, evaluate(e.lo, row), e.lo.k);
      const hi = compare(v, e.arg.k, evaluate(e.hi, row), e.hi.k);
      const inside = and(lo === null ? null : lo >= 0, hi === null ? null : hi <= 0);
      return e.not ? not(inside) : inside;
    }
    case 'isnull': {
      const isNull = evaluate(e.arg, row) === null;
      return e.not ? !isNull : isNull;
    }
    case 'like': {
      const v = evaluate(e.arg, row);
      const p = evaluate(e.pattern, row);
      if (v === null || p === null) return null;
      const m = likeMatch(v as string, p as string);
      return e.not ? !m : m;
    }
    case 'call':
      return call(e, row);
  }
}

function call(e: Extract<Typed, { t: 'call' }>, row: Readonly<Record<string, unknown>>): Value {
  if (e.fn === 'coalesce') {
    for (const a of e.args) {
      const v = evaluate(a, row);
      if (v !== null) return widen(v, a.k, e.k);
    }
    return null;
  }
  const v = evaluate(e.args[0]!, row);
  if (v === null) return null;
  const x = v as number;
  switch (e.fn) {
    case 'abs':
      return Math.abs(x);
    case 'round':
      if (e.args.length === 2) return roundTo(x, e.args[1]!.t === 'lit' ? (e.args[1]!.value as number) : 0);
      return e.k === 'integer' ? x : roundHalfAway(x);
    case 'floor':
      return Math.floor(x);
    case 'ceil':
      return Math.ceil(x);
    case 'ln':
      return x > 0 ? Math.log(x) : null;
    case 'log10':
      return x > 0 ? Math.log10(x) : null;
    case 'sqrt':
      return x >= 0 ? Math.sqrt(x) : null;
    case 'exp':
      return finite(Math.exp(x));
    case 'lower':
      return lowerText(v as string);
    case 'upper':
      return upperText(v as string);
    case 'trim':
      return trimText(v as string);
    case 'length':
      return textLength(v as string);
    default: {
      const parts = datetimeParts(v as string) as unknown as Record<string, number>;
      return parts[e.fn] ?? null;
    }
  }
}
