import { type RawBuilder, type SqlBool, sql } from 'kysely';
import { LatheError } from '../core/index.js';

/**
 * A small MLflow filter subset for registry searches: clauses joined by `AND`, each
 * `name|run_id|source_path|version_number|tags.KEY <op> 'value'` with `=`, `!=`, `LIKE`, `ILIKE`
 * (and `<`, `<=`, `>`, `>=` for `version_number`; `IN (...)` for `run_id`).
 */
export interface FilterClause {
  type: 'attribute' | 'tag';
  key: string;
  comparator: string;
  value: string | number | string[];
}

const invalid = (message: string) => new LatheError('INVALID_ARGUMENT', message);

const clausePattern =
  /^\s*(tags?\.(?:`[^`]+`|"[^"]+"|[\w.]+)|`[^`]+`|[A-Za-z_][\w.]*)\s*(!=|<=|>=|=|<|>|\bNOT\s+ILIKE\b|\bNOT\s+LIKE\b|\bILIKE\b|\bLIKE\b|\bIN\b)\s*('(?:[^']|'')*'|"(?:[^"]|"")*"|-?\d+|\(.*\))\s*$/i;

function unquote(v: string): string {
  if (v.startsWith("'")) return v.slice(1, -1).replace(/''/g, "'");
  if (v.startsWith('"')) return v.slice(1, -1).replace(/""/g, '"');
  if (v.startsWith('`')) return v.slice(1, -1);
  return v;
}

/** Splits on `AND` outside quotes and parses each clause; INVALID_ARGUMENT for anything else. */
export function parseRegistryFilter(filter: string | undefined): FilterClause[] {
  if (!filter?.trim()) return [];
  const parts: string[] = [];
  let current = '';
  let quote: string | null = null;
  for (let i = 0; i < filter.length; i++) {
    const c = filter[i]!;
    if (quote) {
      if (c === quote) quote = null;
      current += c;
    } else if (c === "'" || c === '"' || c === '`') {
      quote = c;
      current += c;
    } else if (/\s/.test(c) && /^\s+and\s/i.test(filter.slice(i, i + 6))) {
      parts.push(current);
      current = '';
      i += filter.slice(i).match(/^\s+and/i)![0].length - 1;
    } else current += c;
  }
  parts.push(current);
  return parts.map((part) => {
    const m = clausePattern.exec(part);
    if (!m) throw invalid(`Invalid filter '${filter}'. Could not parse the clause '${part.trim()}'.`);
    const [, rawKey, rawOp, rawValue] = m as unknown as [string, string, string, string];
    const comparator = rawOp.toUpperCase().replace(/\s+/g, ' ');
    const isTag = /^tags?\./i.test(rawKey);
    const key = isTag ? unquote(rawKey.replace(/^tags?\./i, '')) : unquote(rawKey);
    let value: FilterClause['value'];
    if (rawValue.startsWith('(')) {
      value = [...rawValue.slice(1, -1).matchAll(/'((?:[^']|'')*)'|"((?:[^"]|"")*)"/g)].map((x) =>
        x[1] !== undefined ? x[1].replace(/''/g, "'") : x[2]!.replace(/""/g, '"'),
      );
    } else if (/^-?\d+$/.test(rawValue)) value = Number(rawValue);
    else value = unquote(rawValue);
    return { type: isTag ? 'tag' : 'attribute', key, comparator, value };
  });
}

/** A SQL condition comparing `column` with `value` by an MLflow comparator. */
export function compare(column: RawBuilder<unknown>, comparator: string, value: FilterClause['value']) {
  switch (comparator) {
    case '=':
    case '!=':
    case '<':
    case '<=':
    case '>':
    case '>=':
      return sql<SqlBool>`${column} ${sql.raw(comparator)} ${value}`;
    case 'LIKE':
      return sql<SqlBool>`${column} like ${value}`;
    case 'NOT LIKE':
      return sql<SqlBool>`${column} not like ${value}`;
    case 'ILIKE':
      return sql<SqlBool>`lower(${column}) like lower(${value})`;
    case 'NOT ILIKE':
      return sql<SqlBool>`lower(${column}) not like lower(${value})`;
    case 'IN': {
      const list = Array.isArray(value) ? value : [String(value)];
      if (list.length === 0) return sql<SqlBool>`1 = 0`;
      return sql<SqlBool>`${column} in (${sql.join(list)})`;
    }
    default:
      throw invalid(`Invalid comparator '${comparator}'`);
  }
}

const stringComparators = ['=', '!=', 'LIKE', 'ILIKE', 'NOT LIKE', 'NOT ILIKE'];

/** Conditions on `registered_models` for an MLflow registered-model filter. */
export function modelFilterConditions(filter: string | undefined): RawBuilder<SqlBool>[] {
  return parseRegistryFilter(filter).map((f) => {
    if (f.type === 'tag') {
      if (!stringComparators.includes(f.comparator))
        throw invalid(`Invalid comparator for tag: ${f.comparator}`);
      return sql<SqlBool>`exists (select 1 from registered_model_tags t where t.name = registered_models.name and t.key = ${f.key} and ${compare(sql.ref('t.value'), f.comparator, f.value)})`;
    }
    if (f.key !== 'name') throw invalid(`Invalid attribute name: ${f.key}`);
    if (!stringComparators.includes(f.comparator)) {
      throw invalid(`Invalid comparator for attribute: ${f.comparator}`);
    }
    return compare(sql.ref('registered_models.name'), f.comparator, String(f.value));
  });
}

const versionColumns: Record<string, string> = {
  name: 'model_versions.name',
  run_id: 'model_versions.run_id',
  source_path: 'model_versions.source',
  version_number: 'model_versions.version',
};

/** Conditions on `model_versions` for an MLflow model-version filter. */
export function versionFilterConditions(filter: string | undefined): RawBuilder<SqlBool>[] {
  return parseRegistryFilter(filter).map((f) => {
    if (f.type === 'tag') {
      if (!stringComparators.includes(f.comparator))
        throw invalid(`Invalid comparator for tag: ${f.comparator}`);
      return sql<SqlBool>`exists (select 1 from model_version_tags t where t.name = model_versions.name and t.version = model_versions.version and t.key = ${f.key} and ${compare(sql.ref('t.value'), f.comparator, f.value)})`;
    }
    const column = versionColumns[f.key];
    if (!column) throw invalid(`Invalid attribute name: ${f.key}`);
    if (f.key === 'version_number') {
      if (!['=', '!=', '<', '<=', '>', '>='].includes(f.comparator)) {
        throw invalid(`Invalid comparator for attribute ${f.key}: ${f.comparator}`);
      }
      return compare(sql.ref(column), f.comparator, Number(f.value));
    }
    if (!stringComparators.includes(f.comparator) && !(f.comparator === 'IN' && f.key === 'run_id')) {
      throw invalid(`Invalid comparator for attribute: ${f.comparator}`);
    }
    return compare(sql.ref(column), f.comparator, Array.isArray(f.value) ? f.value : String(f.value));
  });
}

export interface OrderTerm {
  column: string;
  direction: 'asc' | 'desc';
}

function parseOrderTerm(clause: string): { key: string; direction: 'asc' | 'desc' } {
  const m = /^\s*(?:attributes?\.)?`?([\w.]+)`?\s*(ASC|DESC)?\s*$/i.exec(clause);
  if (!m) throw invalid(`Invalid order_by clause '${clause}'. Could not be parsed.`);
  return { key: m[1]!, direction: (m[2]?.toLowerCase() ?? 'asc') as 'asc' | 'desc' };
}

/** ORDER BY terms for registered models; ties broken by name ASC. */
export function modelOrder(orderBy: string[] | undefined): OrderTerm[] {
  const terms: OrderTerm[] = [];
  for (const clause of orderBy ?? []) {
    const { key, direction } = parseOrderTerm(clause);
    const column =
      key === 'name'
        ? 'name'
        : key === 'timestamp' || key === 'last_updated_timestamp'
          ? 'last_updated_time'
          : undefined;
    if (!column) {
      throw invalid(
        `Invalid order by key '${key}' specified.Valid keys are '['name', 'last_updated_timestamp']'`,
      );
    }
    if (terms.some((t) => t.column === column)) {
      throw invalid(`\`order_by\` contains duplicate fields: ${JSON.stringify(orderBy)}`);
    }
    terms.push({ column, direction });
  }
  if (!terms.some((t) => t.column === 'name')) terms.push({ column: 'name', direction: 'asc' });
  return terms;
}

const versionOrderKeys: Record<string, string> = {
  name: 'name',
  version_number: 'version',
  creation_timestamp: 'creation_time',
  last_updated_timestamp: 'last_updated_time',
};

/** ORDER BY terms for model versions: default `last_updated_timestamp DESC, name ASC, version_number DESC`. */
export function versionOrder(orderBy: string[] | undefined): OrderTerm[] {
  const list = orderBy?.length ? orderBy : ['last_updated_timestamp DESC', 'name ASC', 'version_number DESC'];
  const terms: OrderTerm[] = [];
  for (const clause of list) {
    const { key, direction } = parseOrderTerm(clause);
    const column = versionOrderKeys[key];
    if (!column) {
      throw invalid(
        `Invalid order by key '${key}' specified. Valid keys are ${JSON.stringify(Object.keys(versionOrderKeys))}`,
      );
    }
    if (terms.some((t) => t.column === column)) {
      throw invalid(`\`order_by\` contains duplicate fields: ${JSON.stringify(orderBy)}`);
    }
    terms.push({ column, direction });
  }
  if (!terms.some((t) => t.column === 'name')) terms.push({ column: 'name', direction: 'asc' });
  if (!terms.some((t) => t.column === 'version')) terms.push({ column: 'version', direction: 'desc' });
  return terms;
}
