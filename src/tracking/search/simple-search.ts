import { type Kysely, type RawBuilder, sql } from 'kysely';
import { LatheError } from '../../core/index.js';
import type { MetaDialect, MetaSchema } from '../../storage/meta/index.js';
import type { FilterClause, OrderByClause, SearchEntity } from './ast.js';
import { parseOrderBy } from './order-by.js';
import { parseFilter } from './parser.js';
import {
  type Condition,
  allOf,
  bigintLimit,
  checkPage,
  int32Limit,
  integerCondition,
  joinSql,
  stringCondition,
  textSortKey,
} from './sql.js';

/** A column an attribute maps to, from a fixed whitelist. */
export interface AttributeColumn {
  sql: RawBuilder<unknown>;
  type: 'text' | 'bigint' | 'int32';
}

/** How one of the simpler entities (experiments, registered models, model versions) maps to SQL. */
export interface SimpleEntitySql {
  entity: SearchEntity;
  /** `table alias`. */
  from: RawBuilder<unknown>;
  /** The selected columns. */
  select: RawBuilder<unknown>;
  /** Canonical attribute key → column, for filters and order_by. */
  columns: Readonly<Record<string, AttributeColumn>>;
  /** `exists (…)` over the entity's tag rows `t` (with `t.key`, `t.value`) where `test` holds. */
  tagExists(test: Condition): Condition;
  /** Order used when the request has none. */
  defaultOrder: readonly OrderByClause[];
  /** Tie-breakers appended unless the request sorts on that key already. */
  tieBreakers: readonly OrderByClause[];
}

/** A search over one of the simpler entities, paged by offset. */
export interface SimpleSearchQuery {
  filter?: string;
  orderBy?: readonly string[];
  limit: number;
  offset: number;
}

function column(spec: SimpleEntitySql, key: string): AttributeColumn {
  const col = spec.columns[key];
  if (!col) throw new LatheError('INTERNAL', `no ${spec.entity} column for attribute ${key}`);
  return col;
}

function condition(spec: SimpleEntitySql, c: FilterClause, dialect: MetaDialect): Condition {
  switch (c.kind) {
    case 'tag':
      return spec.tagExists(
        allOf([
          stringCondition(sql`t.key`, { op: '=', value: c.key }, dialect),
          stringCondition(sql`t.value`, c, dialect),
        ]),
      );
    case 'string_attribute':
      return stringCondition(column(spec, c.key).sql, c, dialect);
    case 'numeric_attribute': {
      const col = column(spec, c.key);
      return integerCondition(col.sql, c.op, c.value, col.type === 'int32' ? int32Limit : bigintLimit);
    }
    default:
      throw new LatheError('INTERNAL', `${spec.entity} filters have no ${c.kind} clauses`);
  }
}

/**
 * Compiles a search over a simple entity to one parameterized SELECT: the filter's clauses
 * AND-ed with `base`, sorted by the requested order (or the default), then the tie-breakers.
 */
export function compileSimpleSearch<Row>(
  spec: SimpleEntitySql,
  q: SimpleSearchQuery,
  dialect: MetaDialect,
  base: readonly Condition[] = [],
): RawBuilder<Row> {
  checkPage(q.limit, q.offset);
  const clauses = parseFilter(spec.entity, q.filter);
  const requested = parseOrderBy(spec.entity, q.orderBy);
  const order = requested.length ? [...requested] : [...spec.defaultOrder];
  for (const tie of spec.tieBreakers) {
    if (!order.some((o) => o.key === tie.key)) order.push(tie);
  }
  const terms = order.map((o) => {
    const col = column(spec, o.key);
    const key = col.type === 'text' ? textSortKey(col.sql, dialect) : col.sql;
    return sql`${key} ${o.ascending ? sql`asc` : sql`desc`}`;
  });
  const where = allOf([...base, ...clauses.map((c) => condition(spec, c, dialect))]);
  return sql<Row>`select ${spec.select} from ${spec.from} where ${where} order by ${joinSql(terms)} limit ${q.limit} offset ${q.offset}`;
}

/** Runs a compiled simple search; an empty page when `limit` is 0. */
export async function runSimpleSearch<Row>(
  db: Kysely<MetaSchema>,
  spec: SimpleEntitySql,
  q: SimpleSearchQuery,
  dialect: MetaDialect,
  base: readonly Condition[] = [],
): Promise<Row[]> {
  const query = compileSimpleSearch<Row>(spec, q, dialect, base);
  if (q.limit === 0) return [];
  return (await query.execute(db)).rows;
}
