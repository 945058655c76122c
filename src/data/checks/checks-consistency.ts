import { quoteLiteral } from '../../storage/tables/index.js';
import {
  type CheckImpl,
  type ColumnInfo,
  examplesOf,
  exampleRows,
  isText,
  maxListedDistinct,
  rowList,
  rowsHolding,
  type ValueCount,
} from './context.js';
import { num, pct } from './grade.js';
import { graded, perColumn } from './outcome.js';

const kinds = ['number', 'date', 'text'] as const;
type Kind = (typeof kinds)[number];

const numberText = /^\s*[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?\s*$/i;
const isoDate =
  /^\s*\d{4}-\d{1,2}-\d{1,2}([ T]\d{1,2}:\d{2}(:\d{2}(\.\d+)?)?\s*(z|[+-]\d{2}(:?\d{2})?)?)?\s*$/i;
const localDate = /^\s*\d{1,2}[/.-]\d{1,2}[/.-](\d{2}|\d{4})\s*$/;

/** What a text value holds: a number, a date (ISO, or d/m/y and m/d/y), or other text. */
function kindOf(v: string): Kind {
  if (numberText.test(v)) return 'number';
  if ((isoDate.test(v) && !Number.isNaN(Date.parse(v.trim().replace(' ', 'T')))) || localDate.test(v))
    return 'date';
  return 'text';
}

/**
 * mixed_types: text columns whose values are partly numbers, partly dates, partly other text. The
 * measured value is the share of non-missing values not of the column's most common kind. Columns
 * of at most 50,000 distinct values are classified value by value; larger ones by the profile's
 * share of numbers (dates are not told apart there).
 */
export const mixedTypes: CheckImpl = (s) => {
  const t = s.spec.thresholds!;
  const cols = s.columns(() => true, isText, 'a text (VARCHAR) column').filter((c) => c.profile.count > 0);
  const listed = cols.filter((c) => c.profile.distinct <= maxListedDistinct);
  s.ctx.wantDistinct(
    'current',
    listed.map((c) => c.name),
  );
  return async () => {
    const distinct = listed.length ? await s.ctx.distinct('current') : new Map<string, ValueCount[]>();
    const results = [];
    for (const c of cols) {
      const values = distinct.get(c.name);
      const counts: Record<Kind, number> = { number: 0, date: 0, text: 0 };
      const minorValues: ValueCount[] = [];
      let rows: number[] = [];
      if (values) {
        const kindsOf = values.map((v) => kindOf(v.value));
        values.forEach((v, i) => {
          counts[kindsOf[i]!] += v.count;
        });
        const main = mainKind(counts);
        values.forEach((v, i) => {
          if (kindsOf[i] !== main) minorValues.push(v);
        });
        rows = await rowsHolding(
          s.ctx,
          c,
          minorValues.map((v) => v.value),
        );
      } else {
        const numeric = Math.round((c.profile.numericShare ?? 0) * c.profile.count);
        counts.number = numeric;
        counts.text = c.profile.count - numeric;
        rows = s.ctx.version.report.issues.flatMap((i) =>
          i.kind === 'mixed_types' && i.column === c.name && i.row !== undefined ? [i.row] : [],
        );
      }
      const total = c.profile.count;
      const main = mainKind(counts);
      const share = total ? 1 - counts[main] / total : 0;
      const minor = kinds.filter((k) => k !== main && counts[k] > 0);
      const shares = Object.fromEntries(kinds.map((k) => [k, total ? counts[k] / total : 0]));
      results.push(
        graded(c.name, share, t, {
          count: total - counts[main],
          message:
            (minor.length
              ? `${pct(shares[main]!)} ${plural(main)}, ${minor.map((k) => `${pct(shares[k]!)} ${plural(k)}`).join(', ')}`
              : values
                ? `all ${plural(main)}`
                : 'numbers and text not mixed') +
            (values ? '' : ` (${num(c.profile.distinct)} distinct values: dates not told from text)`),
          rows: rows.slice(0, exampleRows),
          ...examplesOf(
            c,
            minorValues.map((v) => v.value),
          ),
          details: { kinds: shares, main },
        }),
      );
    }
    return perColumn(results, t, {
      flagged: 'numbers, dates and text mixed',
      none: 'no column mixes numbers, dates and text',
    });
  };
};

function mainKind(counts: Record<Kind, number>): Kind {
  return kinds.reduce((a, b) => (counts[b] > counts[a] ? b : a));
}

const plural = (k: Kind) => (k === 'text' ? 'text' : `${k}s`);

// Special characters, as RE2 (DuckDB) and JavaScript patterns.
const control = {
  re2: '[\\x00-\\x08\\x0B\\x0C\\x0E-\\x1F\\x7F-\\x9F]',
  // biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is the point.
  js: /[\x00-\x08\x0B\x0C\x0E-\x1F\x7F-\x9F]/u,
};
const nonPrintable = {
  re2: '[\\p{Cf}\\p{Co}\\p{Zl}\\p{Zp}\\x{FFFD}\\x{A0}]',
  js: /[\p{Cf}\p{Co}\p{Zl}\p{Zp}\u{FFFD}\u{A0}]/u,
};
/** In categorical values: anything but letters, marks, digits, spaces and common punctuation. */
const symbols = /[^\p{L}\p{M}\p{N} .,;:'"!?()[\]{}&/\\@#%+*=<>$€£¥~^|_-]/u;
const edgeSpace = /^\s|\s$/u;

type Flaw = 'control' | 'non_printable' | 'symbols' | 'whitespace';
const flawWords: Record<Flaw, string> = {
  control: 'control characters',
  non_printable: 'non-printable characters',
  symbols: 'unexpected symbols',
  whitespace: 'leading or trailing spaces',
};

function flawsOf(v: string, categorical: boolean): Flaw[] {
  const out: Flaw[] = [];
  if (control.js.test(v) || (categorical && /[\t\n\r]/.test(v))) out.push('control');
  if (nonPrintable.js.test(v)) out.push('non_printable');
  if (categorical && symbols.test(v.replace(/[\t\n\r]/g, ''))) out.push('symbols');
  if (edgeSpace.test(v)) out.push('whitespace');
  return out;
}

/** The key values written alike share: accents, case, spaces and punctuation dropped. */
function variantKey(v: string): string {
  const t = v.normalize('NFKC').trim().toLowerCase();
  // Numbers keep their punctuation: 1.5 and 15 are not one value.
  if (/^[+-]?[\d.,\s]+(e[+-]?\d+)?$/.test(t)) return t.replace(/\s+/g, '');
  const key = t
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .replace(/[\s\p{P}\p{S}\p{C}]+/gu, '');
  return key || t;
}

/**
 * string_mismatches: values written several ways (case, spaces, punctuation, accents: "New York",
 * "new york ", "New-York") and values holding special characters (control characters,
 * non-printable ones, unexpected symbols in categories, leading or trailing spaces). Columns with
 * at most 50,000 distinct values are examined value by value; larger ones for special characters
 * only, in the shared scan.
 */
export const stringMismatches: CheckImpl = (s) => {
  const t = s.spec.thresholds!;
  const variants = s.o['variants'] !== false;
  const special = s.o['special_characters'] !== false;
  const cols = s
    .columns(
      (c) => c.semantic === 'categorical' || c.semantic === 'text' || c.semantic === 'target',
      isText,
      'a text (VARCHAR) column',
    )
    .filter((c) => c.profile.count > 0);
  const listed = cols.filter((c) => c.profile.distinct <= maxListedDistinct);
  s.ctx.wantDistinct(
    'current',
    listed.map((c) => c.name),
  );
  const scanned = new Map(
    cols
      .filter((c) => c.profile.distinct > maxListedDistinct && special)
      .map((c) => {
        const where = s.derive(
          `regexp_matches(${c.q}, ${quoteLiteral(`${control.re2}|${nonPrintable.re2}|^\\s|\\s$`)})`,
        );
        return [
          c.name,
          {
            n: s.agg(`count(*) filter (where ${where})`),
            rows: s.agg(`min(${s.rn}, ${exampleRows}) filter (where ${where})`),
          },
        ];
      }),
  );
  return async () => {
    const distinct = listed.length ? await s.ctx.distinct('current') : new Map<string, ValueCount[]>();
    const results = [];
    for (const c of cols) {
      const values = distinct.get(c.name);
      if (values) {
        const r = examine(c, values, variants, special, t);
        if (r.count) r.rows = await rowsHolding(s.ctx, c, r.bad);
        delete (r as { bad?: string[] }).bad;
        results.push(r);
        continue;
      }
      const a = scanned.get(c.name);
      const n = a ? Number(s.value(a.n) ?? 0) : 0;
      const share = n / c.profile.count;
      results.push(
        graded(c.name, share, t, {
          count: n,
          message:
            `${num(n)} value${n === 1 ? '' : 's'} with special characters (${pct(share)})` +
            `; variants not looked for (${num(c.profile.distinct)} distinct values)`,
          rows: a ? rowList(s.value(a.rows)) : [],
        }),
      );
    }
    return perColumn(results, t, {
      flagged: 'values written several ways or special characters',
      none: 'no value written several ways, no special character',
    });
  };
};

function examine(
  c: ColumnInfo,
  values: ValueCount[],
  variants: boolean,
  special: boolean,
  t: NonNullable<import('./types.js').CheckSpec['thresholds']>,
) {
  const categorical = c.semantic !== 'text';
  const bad = new Map<string, ValueCount>();
  const groups: ValueCount[][] = [];
  if (variants) {
    const byKey = new Map<string, ValueCount[]>();
    for (const v of values) {
      const k = variantKey(v.value);
      const g = byKey.get(k);
      if (g) g.push(v);
      else byKey.set(k, [v]);
    }
    for (const g of byKey.values()) {
      if (g.length < 2) continue;
      // The most frequent spelling is taken as right; the others are variants of it.
      groups.push(g);
      for (const v of g.slice(1)) bad.set(v.value, v);
    }
    groups.sort(
      (a, b) => b.slice(1).reduce((n, v) => n + v.count, 0) - a.slice(1).reduce((n, v) => n + v.count, 0),
    );
  }
  const flaws: Record<Flaw, number> = { control: 0, non_printable: 0, symbols: 0, whitespace: 0 };
  if (special)
    for (const v of values) {
      const f = flawsOf(v.value, categorical);
      for (const k of f) flaws[k] += v.count;
      if (f.length) bad.set(v.value, v);
    }
  const affected = [...bad.values()];
  const n = affected.reduce((sum, v) => sum + v.count, 0);
  const share = n / c.profile.count;
  const parts = [
    groups.length ? `${groups.length} value${groups.length === 1 ? '' : 's'} written several ways` : '',
    ...Object.entries(flaws)
      .filter(([, k]) => k > 0)
      .map(([f, k]) => `${num(k)} ${k === 1 ? 'value' : 'values'} with ${flawWords[f as Flaw]}`),
  ].filter(Boolean);
  const result = graded(c.name, share, t, {
    count: n,
    message: parts.length ? `${parts.join('; ')} (${pct(share)} of values)` : 'consistent',
    rows: affected
      .map((v) => v.row)
      .sort((a, b) => a - b)
      .slice(0, exampleRows),
    ...examplesOf(
      c,
      affected.map((v) => v.value),
    ),
    details: {
      ...(c.pii
        ? { variantGroups: groups.length }
        : {
            variants: groups
              .slice(0, 5)
              .map((g) => g.map((v) => ({ value: v.value, count: v.count, row: v.row }))),
          }),
      special: flaws,
    },
  });
  return { ...result, bad: affected.map((v) => v.value) };
}
