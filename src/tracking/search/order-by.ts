import type { OrderByClause, SearchEntity } from './ast.js';
import { attributeList, entitySpecs } from './entities.js';
import { grammarError, quoteForMessage } from './errors.js';
import { type Fail, identifierParts, resolveIdentifier, unknownAttribute } from './identifiers.js';
import { describeToken, keywordOf, tokenize } from './tokenizer.js';

/** At most this many order_by clauses. */
export const maxOrderByClauses = 20;

/**
 * Parses MLflow `order_by` clauses for `entity`: each is `<identifier> [ASC|DESC]` (direction
 * case-insensitive, ascending by default), the identifier written as in filters (quoted keys in
 * backticks or double quotes). Runs sort by `metrics.`, `params.`, `tags.` or attributes;
 * experiments by `name`, `experiment_id`, `creation_time`, `last_update_time`; registered models
 * by `name`, `timestamp` / `last_updated_timestamp`, `creation_timestamp`; model versions by
 * `name`, `version_number`, `creation_timestamp`, `last_updated_timestamp`. The same field twice
 * is an error, as in MLflow.
 *
 * Throws INVALID_ARGUMENT with `details.index` (the clause) and `details.position` (1-based,
 * within that clause).
 */
export function parseOrderBy(
  entity: SearchEntity,
  orderBy: readonly string[] | null | undefined,
): OrderByClause[] {
  if (orderBy === null || orderBy === undefined) return [];
  const spec = entitySpecs[entity];
  if (!Array.isArray(orderBy)) {
    throw grammarError({ field: 'order_by', position: 1, index: 0 }, 'expected a list of strings');
  }
  if (orderBy.length > maxOrderByClauses) {
    throw grammarError(
      { field: 'order_by', position: 1, index: maxOrderByClauses },
      `order_by holds at most ${maxOrderByClauses} clauses, got ${orderBy.length}`,
    );
  }
  const seen = new Map<string, number>();
  const out: OrderByClause[] = [];
  orderBy.forEach((clause: unknown, index) => {
    const fail: Fail = (offset, message) =>
      grammarError({ field: 'order_by', position: offset + 1, index }, message);
    if (typeof clause !== 'string') throw fail(0, `expected a string, got ${typeof clause}`);
    const tokens = tokenize(clause, 'order_by', index);
    const first = tokens[0]!;
    const what = `a field to sort by, such as ${entity === 'runs' ? 'metrics.<key> or start_time' : 'name'}`;
    const parts = identifierParts(first);
    if (!parts) throw fail(first.start, `expected ${what}, got ${describeToken(first)}`);
    const id = resolveIdentifier(entity, parts, fail, what);
    if (!spec.orderKinds.includes(id.kind)) {
      const valid = attributeList(Object.keys(spec.orderAttributes));
      const only = spec.orderKinds.length === 1 ? `${entity} sort by attributes only (${valid})` : '';
      throw fail(
        first.start,
        `cannot sort by ${quoteForMessage(first.text)}; ${only || 'runs sort by metrics, params, tags or attributes'}`,
      );
    }
    let key = id.key;
    if (id.kind === 'attribute') {
      const canonical = spec.orderAttributes[id.key];
      if (canonical === undefined) {
        throw unknownAttribute(
          spec,
          id,
          attributeList(Object.keys(spec.orderAttributes)),
          fail,
          entity === 'runs',
        );
      }
      key = canonical;
    }
    let ascending = true;
    let t = tokens[1]!;
    const dir = keywordOf(t);
    if (dir === 'ASC' || dir === 'DESC') {
      ascending = dir === 'ASC';
      t = tokens[2]!;
    } else if (t.type !== 'eof') {
      throw fail(
        t.start,
        `expected ASC, DESC or the end of the clause after ${first.text}, got ${describeToken(t)}`,
      );
    }
    if (t.type !== 'eof') throw fail(t.start, `expected the end of the clause, got ${describeToken(t)}`);
    const field = `${id.kind}:${key}`;
    const earlier = seen.get(field);
    if (earlier !== undefined) {
      throw fail(
        first.start,
        `order_by contains duplicate fields: ${first.text} repeats order_by[${earlier}]`,
      );
    }
    seen.set(field, index);
    out.push({ kind: id.kind as OrderByClause['kind'], key, ascending });
  });
  return out;
}
