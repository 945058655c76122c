import { quoteIdentifier, quoteLiteral, type TableEngine } from '../../storage/tables/index.js';
import { type TypeFamily, typeFamily } from '../semantic.js';
import type { ColumnProfile, DatasetVersionDetails, SemanticType } from '../types.js';
import { refuseSuite } from './suite.js';
import type { CheckSpec, CheckStatus, ColumnCheckResult } from './types.js';

/** A column of the version checked, with its profile. */
export interface ColumnInfo {
  name: string;
  /** Quoted for SQL. */
  q: string;
  type: string;
  family: TypeFamily;
  semantic: SemanticType;
  profile: ColumnProfile;
  /** The profile flags the column as personal data: its values are never shown. */
  pii: boolean;
}

/** A distinct value of a column, its row count and the first row holding it. */
export interface ValueCount {
  value: string;
  count: number;
  row: number;
}

/** What a check hands back; the runner adds thresholds, severity and timing. */
export interface Outcome {
  /** Default: the worst column status (`pass` with no columns). */
  status?: CheckStatus;
  value: number | null;
  message: string;
  columns: ColumnCheckResult[];
  details?: Record<string, unknown>;
}

/** The second half of a check: runs after the shared scan, may query on its own. */
export type Finish = () => Promise<Outcome>;

/**
 * A check's first half: checks its fields against the version (refusing the suite for an unknown
 * column or a column of the wrong type), registers aggregates for the shared scan, and answers how
 * to finish — or an outcome right away when the check does not apply.
 */
export type CheckImpl = (s: CheckScope) => Finish | Outcome;

/** Example row numbers and values per column. */
export const exampleRows = 5;
const exampleValues = 3;
/** Columns with more distinct values are not listed value by value. */
export const maxListedDistinct = 50_000;

/** Everything checks share for one run: the version, its columns, the shared scan, the reference. */
export class CheckContext {
  readonly columns: ColumnInfo[];
  readonly byName: Map<string, ColumnInfo>;
  /** A SQL source of the version's rows with a 1-based row number column `rn`. */
  readonly from: string;
  readonly rn: string;
  readonly referenceFrom: string | null;
  #aggs = new Map<string, string>();
  #derived = new Map<string, string>();
  /** The check registering aggregates now, and what each check registered. */
  #owner = -1;
  #owned = new Map<number, { aggs: Set<string>; derived: Set<string> }>();
  #failed = new Map<number, unknown>();
  #row: Record<string, unknown> = {};
  #distinct = new Map<
    'current' | 'reference',
    { want: Set<string>; got?: Promise<Map<string, ValueCount[]>> }
  >([
    ['current', { want: new Set() }],
    ['reference', { want: new Set() }],
  ]);

  constructor(
    readonly engine: TableEngine,
    readonly version: DatasetVersionDetails,
    parquet: string,
    readonly reference: { version: DatasetVersionDetails; parquet: string } | null,
    /** Why there is no reference version, when there is none. */
    readonly noReference: string,
    /** The target named by the suite, else by the version's schema. */
    readonly target: string | null,
  ) {
    const pii = new Set(version.profile.pii.map((f) => f.column));
    this.columns = version.columns.map((c, i) => ({
      name: c.name,
      q: quoteIdentifier(c.name),
      type: c.type,
      family: typeFamily(c.type),
      semantic: c.semantic,
      profile: version.profile.columns[i] ?? ({ name: c.name, count: 0, missing: 0 } as ColumnProfile),
      pii: pii.has(c.name),
    }));
    this.byName = new Map(this.columns.map((c) => [c.name, c]));
    let rn = 'lathe_row';
    for (let i = 1; this.byName.has(rn); i++) rn = `lathe_row_${i}`;
    this.rn = quoteIdentifier(rn);
    this.from = rowsOf(parquet, this.rn);
    this.referenceFrom = reference ? rowsOf(reference.parquet, this.rn) : null;
  }

  /** Sets the check (by index) whose aggregates `agg` and `derive` register next. */
  own(index: number): void {
    this.#owner = index;
  }

  #mine() {
    let o = this.#owned.get(this.#owner);
    if (!o) {
      o = { aggs: new Set(), derived: new Set() };
      this.#owned.set(this.#owner, o);
    }
    return o;
  }

  /** Registers an aggregate over the version's rows for the shared scan; answers its alias. */
  agg(expr: string): string {
    let alias = this.#aggs.get(expr);
    if (!alias) {
      alias = `a${this.#aggs.size}`;
      this.#aggs.set(expr, alias);
    }
    this.#mine().aggs.add(expr);
    return alias;
  }

  /**
   * Registers a per-row expression computed once for the shared scan; answers a name aggregates
   * can use (quoted, so it cannot clash with a column).
   */
  derive(expr: string): string {
    let alias = this.#derived.get(expr);
    if (!alias) {
      alias = quoteIdentifier(`lathe_d${this.#derived.size}_${this.rn.replace(/"/g, '')}`);
      this.#derived.set(expr, alias);
    }
    this.#mine().derived.add(expr);
    return alias;
  }

  /** The value of a registered aggregate (after `scan`). */
  value(alias: string): unknown {
    return this.#row[alias] ?? null;
  }

  /** Why the shared scan could not compute a check's aggregates, if it could not. */
  scanError(index: number): unknown {
    return this.#failed.get(index);
  }

  /**
   * Runs every registered aggregate in one pass over the rows. When that fails, each check's
   * aggregates run on their own, so one check's failure does not take the others with it.
   */
  async scan(): Promise<void> {
    if (!this.#aggs.size) return;
    try {
      this.#row = await this.#query(this.#aggs.keys(), this.#derived.keys());
    } catch {
      for (const [owner, mine] of this.#owned) {
        if (!mine.aggs.size) continue;
        try {
          Object.assign(this.#row, await this.#query(mine.aggs, mine.derived));
        } catch (err) {
          this.#failed.set(owner, err);
        }
      }
    }
  }

  async #query(aggs: Iterable<string>, derived: Iterable<string>): Promise<Record<string, unknown>> {
    const parts = [...aggs].map((expr) => `${expr} as ${this.#aggs.get(expr)}`);
    const extra = [...derived].map((expr) => `, ${expr} as ${this.#derived.get(expr)}`).join('');
    const [row] = await this.engine.query<Record<string, unknown>>(
      `select ${parts.join(', ')} from (select *${extra} from ${this.from})`,
    );
    return row ?? {};
  }

  /** Asks for the distinct values of columns (of this version or the reference), listed in one scan each. */
  wantDistinct(which: 'current' | 'reference', columns: string[]): void {
    for (const c of columns) this.#distinct.get(which)!.want.add(c);
  }

  /** The distinct values (as text) of the columns asked for with `wantDistinct`, most frequent first. */
  distinct(which: 'current' | 'reference'): Promise<Map<string, ValueCount[]>> {
    const d = this.#distinct.get(which)!;
    d.got ??= listDistinct(this.engine, which === 'current' ? this.from : this.referenceFrom!, this.rn, [
      ...d.want,
    ]);
    return d.got;
  }
}

/**
 * The first rows (1-based) holding any of `values` (as text) in a column; for example rows when a
 * value-by-value check flagged a few distinct values. Empty when there are none.
 */
export async function rowsHolding(ctx: CheckContext, c: ColumnInfo, values: string[]): Promise<number[]> {
  if (!values.length) return [];
  const list = values
    .slice(0, 200)
    .map((v) => quoteLiteral(v))
    .join(', ');
  const [r] = await ctx.engine.query<{ r: number[] | null }>(
    `select min(${ctx.rn}, ${exampleRows}) as r from ${ctx.from} where ${c.q}::varchar in (${list})`,
  );
  return rowList(r?.r);
}

/** One check's view of the context: resolves its columns, refusing the suite with its index. */
export class CheckScope {
  constructor(
    readonly ctx: CheckContext,
    readonly spec: CheckSpec,
    readonly index: number,
  ) {}

  get o(): Record<string, unknown> {
    return this.spec.options;
  }

  /** The column a field names; refuses the suite when the version has none by that name or it is of the wrong kind. */
  column(field: string, name: string, accept?: (c: ColumnInfo) => boolean, expected?: string): ColumnInfo {
    const c = this.ctx.byName.get(name);
    const where = { index: this.index, check: this.spec.check, field };
    if (!c)
      refuseSuite(
        where,
        `a column of ${this.ctx.version.ref}`,
        JSON.stringify(name),
        this.ctx.columns.map((x) => x.name),
      );
    if (accept && !accept(c))
      refuseSuite(
        where,
        expected ?? 'another column',
        `${JSON.stringify(name)}, a ${c.type} (${c.semantic}) column`,
      );
    return c;
  }

  /**
   * The columns the `columns` field names (each checked as by `column`), or the version's columns
   * that `byDefault` keeps.
   */
  columns(
    byDefault: (c: ColumnInfo) => boolean,
    accept?: (c: ColumnInfo) => boolean,
    expected?: string,
  ): ColumnInfo[] {
    const named = this.o['columns'] as string[] | undefined;
    if (named) return named.map((n) => this.column('columns', n, accept, expected));
    return this.ctx.columns.filter((c) => byDefault(c) && (!accept || accept(c)));
  }

  /** The target: the check's `target`, else the suite's, else the version's target column. */
  target(): ColumnInfo | null {
    const own = this.o['target'] as string | undefined;
    if (own) return this.column('target', own);
    if (this.ctx.target) return this.column('target', this.ctx.target);
    return null;
  }

  agg(expr: string): string {
    return this.ctx.agg(expr);
  }

  derive(expr: string): string {
    return this.ctx.derive(expr);
  }

  value(alias: string): unknown {
    return this.ctx.value(alias);
  }

  get rn(): string {
    return this.ctx.rn;
  }
}

const idName = /(^|[_\s-])(id|uuid|guid|key)$|^id([_\s-]|$)|Id$|ID$/;

/** An identifier by semantic type, or by an id-like name with nearly distinct values. */
export function looksLikeId(c: ColumnInfo): boolean {
  if (c.semantic === 'identifier') return true;
  const p = c.profile;
  return (
    idName.test(c.name) &&
    (c.family === 'integer' || c.family === 'string') &&
    p.count >= 20 &&
    p.distinct >= 0.9 * p.count
  );
}

export const isNumeric = (c: ColumnInfo) => c.family === 'integer' || c.family === 'float';
export const isText = (c: ColumnInfo) => c.family === 'string';
export const isTemporal = (c: ColumnInfo) => c.family === 'date' || c.family === 'timestamp';

/** Row numbers from a `min(rn, k)` or `arg_*` list aggregate. */
export function rowList(v: unknown): number[] {
  return Array.isArray(v) ? v.map(Number) : [];
}

/** Example values, unless the column is personal data. */
export function examplesOf(c: ColumnInfo, values: unknown[]): { examples?: unknown[] } {
  return c.pii || values.length === 0 ? {} : { examples: values.slice(0, exampleValues) };
}

function rowsOf(parquet: string, rn: string): string {
  return `(select file_row_number + 1 as ${rn}, * exclude (file_row_number) from read_parquet(${quoteLiteral(parquet)}, file_row_number = true))`;
}

async function listDistinct(
  engine: TableEngine,
  from: string,
  rn: string,
  columns: string[],
): Promise<Map<string, ValueCount[]>> {
  const out = new Map<string, ValueCount[]>(columns.map((c) => [c, []]));
  if (!columns.length) return out;
  // Grouped on the columns' own types; only the group keys are cast to text.
  const qs = columns.map((c) => quoteIdentifier(c));
  const which = `case ${qs.map((q, j) => `when grouping(${q}) = 0 then ${j}`).join(' ')} end`;
  const rows = await engine.query<{ g: number; v: string; n: number; r: number }>(
    `select g, v, n, r from (
       select ${which} as g, coalesce(${qs.map((q) => `${q}::varchar`).join(', ')}) as v, count(*) as n, min(${rn}) as r
       from ${from} group by grouping sets (${qs.map((q) => `(${q})`).join(', ')})
     ) where v is not null order by g, n desc, r`,
  );
  for (const r of rows)
    out.get(columns[Number(r.g)]!)!.push({ value: r.v, count: Number(r.n), row: Number(r.r) });
  return out;
}
