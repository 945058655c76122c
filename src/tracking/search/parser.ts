import type { Comparator, FilterClause, SearchEntity } from './ast.js';
import { type AttributeSpec, attributeList, datasetKeys, entitySpecs, kindOps } from './entities.js';
import { grammarError, quoteForMessage } from './errors.js';
import { type Fail, identifierParts, resolveIdentifier, unknownAttribute } from './identifiers.js';
import { type Token, describeToken, keywordOf, tokenize } from './tokenizer.js';

/** At most this many comparisons in one filter (SQL engines limit expression depth). */
export const maxFilterClauses = 200;
/** At most this many values across all IN lists of one filter (SQL engines limit bound values). */
export const maxListValues = 10_000;

const allComparators = '=, !=, >, >=, <, <=, LIKE, ILIKE, IN, NOT IN';
const identifierHint = 'an identifier such as metrics.<key>, params.<key>, tags.<key> or an attribute';

/**
 * Parses an MLflow search filter for `entity` into its `AND`-ed comparisons. An empty or blank
 * filter means no condition and gives `[]`.
 *
 * Grammar (as MLflow's `search_utils.py`): `comparison (AND comparison)*`, where a comparison is
 * `identifier comparator value`; `AND` is case-insensitive; `OR`, parentheses and `IS NULL` are
 * not part of the language. Which identifiers, comparators and value types are allowed depends on
 * the entity (see `entitySpecs`): metrics and time attributes compare with numbers and
 * `= != > >= < <=`; params, tags and string attributes with quoted strings and `= != LIKE ILIKE`;
 * `IN (...)` / `NOT IN (...)` take a list of quoted strings where MLflow allows them.
 *
 * Throws INVALID_ARGUMENT (`details.position`, 1-based) on anything else; never another error.
 */
export function parseFilter(entity: SearchEntity, filter: string | null | undefined): FilterClause[] {
  if (filter === null || filter === undefined) return [];
  const fail: Fail = (offset, message) => grammarError({ field: 'filter', position: offset + 1 }, message);
  if (typeof filter !== 'string') throw fail(0, `expected a string, got ${typeof filter}`);
  const tokens = tokenize(filter, 'filter');
  const parser = new FilterParser(entity, filter, tokens, fail);
  return parser.parse();
}

class FilterParser {
  #i = 0;
  #listValues = 0;
  readonly #spec;

  constructor(
    readonly entity: SearchEntity,
    readonly input: string,
    readonly tokens: Token[],
    readonly fail: Fail,
  ) {
    this.#spec = entitySpecs[entity];
  }

  #peek(): Token {
    return this.tokens[this.#i]!;
  }

  #next(): Token {
    const t = this.tokens[this.#i]!;
    if (t.type !== 'eof') this.#i++;
    return t;
  }

  parse(): FilterClause[] {
    const clauses: FilterClause[] = [];
    if (this.#peek().type === 'eof') return clauses;
    for (;;) {
      const start = this.#peek().start;
      clauses.push(this.#comparison());
      const t = this.#peek();
      if (t.type === 'eof') return clauses;
      const kw = keywordOf(t);
      const done = quoteForMessage(this.input.slice(start, this.tokens[this.#i - 1]!.end));
      if (kw === 'OR') {
        throw this.fail(t.start, 'OR is not supported: MLflow filters combine comparisons with AND only');
      }
      if (kw !== 'AND') {
        throw this.fail(
          t.start,
          `expected AND or the end of the filter after ${done}, got ${describeToken(t)}`,
        );
      }
      this.#next();
      if (this.#peek().type === 'eof') {
        throw this.fail(this.#peek().start, 'expected a comparison after AND, got end of input');
      }
      if (clauses.length >= maxFilterClauses) {
        throw this.fail(this.#peek().start, `a filter holds at most ${maxFilterClauses} comparisons`);
      }
    }
  }

  #comparison(): FilterClause {
    const lhs = this.#next();
    const parts = identifierParts(lhs);
    if (!parts) {
      const extra =
        lhs.type === 'punct' && lhs.value === '('
          ? '; parentheses are not supported: MLflow filters are comparisons joined by AND'
          : '';
      throw this.fail(lhs.start, `expected ${identifierHint}, got ${describeToken(lhs)}${extra}`);
    }
    const id = resolveIdentifier(this.entity, parts, this.fail, identifierHint);
    const position = lhs.start + 1;
    const name = lhs.text;
    let attr: AttributeSpec | undefined;
    let key = id.key;
    if (id.kind === 'attribute') {
      attr = this.#spec.attributes[id.key];
      if (!attr) {
        throw unknownAttribute(
          this.#spec,
          id,
          attributeList(Object.keys(this.#spec.attributes)),
          this.fail,
          true,
        );
      }
      key = attr.key;
    } else if (id.kind === 'dataset' && !(datasetKeys as readonly string[]).includes(id.key)) {
      throw this.fail(
        id.keyStart,
        `unknown dataset field ${quoteForMessage(id.key)}; valid fields: ${datasetKeys.join(', ')}`,
      );
    }
    const opToken = this.#peek();
    const op = this.#comparator(name, lhs);
    const allowed = attr ? attr.ops : kindOps[id.kind as Exclude<typeof id.kind, 'attribute'>];
    if (!allowed.includes(op)) {
      throw this.fail(
        opToken.start,
        `comparator ${op} is not allowed for ${name}; valid comparators: ${allowed.join(', ')}`,
      );
    }
    const numeric = id.kind === 'metric' || attr?.type === 'number';
    if (op === 'IN' || op === 'NOT IN') {
      const value = this.#list(name);
      if (id.kind === 'dataset') return { kind: 'dataset', key: id.key as 'name', op, value, position };
      return { kind: 'string_attribute', key, op, value, position };
    }
    if (numeric) {
      const value = this.#number(name, id.kind === 'metric' ? 'metrics compare as numbers' : undefined);
      if (id.kind === 'metric') return { kind: 'metric', key, op: op as '=', value, position };
      return { kind: 'numeric_attribute', key, op: op as '=', value, position };
    }
    const value = this.#string(name, id.kind, op);
    const sop = op as 'LIKE';
    if (id.kind === 'param' || id.kind === 'tag') return { kind: id.kind, key, op: sop, value, position };
    if (id.kind === 'dataset') return { kind: 'dataset', key: id.key as 'name', op: sop, value, position };
    return { kind: 'string_attribute', key, op: sop, value, position };
  }

  #comparator(name: string, lhs: Token): Comparator {
    const t = this.#next();
    if (t.type === 'op') {
      if (t.value === '==') throw this.fail(t.start, 'unknown comparator ==; write = to test equality');
      if (t.value === '<>') throw this.fail(t.start, 'unknown comparator <>; write != to test inequality');
      return t.value;
    }
    const kw = keywordOf(t);
    if (kw === 'LIKE' || kw === 'ILIKE' || kw === 'IN') return kw;
    if (kw === 'NOT') {
      const n = this.#next();
      if (keywordOf(n) === 'IN') return 'NOT IN';
      throw this.fail(
        n.start,
        `expected IN after NOT (the only negated comparator is NOT IN), got ${describeToken(n)}`,
      );
    }
    if (kw === 'IS') {
      throw this.fail(
        t.start,
        `IS NULL and IS NOT NULL are not part of MLflow's filter language; a comparison on ${name} only matches entities that have it`,
      );
    }
    const adjacent = t.type !== 'eof' && t.start === lhs.end;
    const hint = adjacent ? ' (keys with special characters need backticks, as in metrics.`my-key`)' : '';
    throw this.fail(
      t.start,
      `expected a comparison operator (${allComparators}) after ${name}, got ${describeToken(t)}${hint}`,
    );
  }

  #number(name: string, why: string | undefined): number {
    const t = this.#next();
    if (t.type === 'number') return t.value;
    const note = why ? ` (${why})` : '';
    const got = t.type === 'string' ? `the string ${t.text}` : describeToken(t);
    throw this.fail(t.start, `expected a number after ${name}${note}, got ${got}`);
  }

  #string(name: string, kind: string, op: Comparator): string {
    const t = this.#next();
    if (t.type === 'string') {
      if ((op === 'LIKE' || op === 'ILIKE') && endsWithLoneEscape(t.value)) {
        throw this.fail(
          t.start,
          `a ${op} pattern cannot end with a lone backslash escape; write \\\\\\\\ in the filter to match a backslash`,
        );
      }
      return t.value;
    }
    const example = kind === 'param' ? ` (params are strings: write ${name} ${op} '${t.text}')` : '';
    const got =
      t.type === 'ident' ? `${describeToken(t)}; quote string values, as in '${t.text}'` : describeToken(t);
    throw this.fail(t.start, `expected a quoted string after ${name}${example}, got ${got}`);
  }

  #list(name: string): string[] {
    const open = this.#next();
    if (open.type !== 'punct' || open.value !== '(') {
      throw this.fail(
        open.start,
        `expected a parenthesised list of quoted strings after ${name} IN, as in ('a', 'b'), got ${describeToken(open)}`,
      );
    }
    const values: string[] = [];
    for (;;) {
      const t = this.#next();
      if (t.type === 'punct' && t.value === ')') {
        if (values.length === 0)
          throw this.fail(t.start, 'expected a non-empty list of quoted strings, got ()');
        return values;
      }
      if (t.type !== 'string') {
        throw this.fail(t.start, `expected a quoted string in the list, got ${describeToken(t)}`);
      }
      values.push(t.value);
      if (++this.#listValues > maxListValues) {
        throw this.fail(t.start, `a filter holds at most ${maxListValues} list values`);
      }
      const sep = this.#next();
      if (sep.type === 'punct' && sep.value === ')') return values;
      if (sep.type !== 'punct' || sep.value !== ',') {
        throw this.fail(sep.start, `expected , or ) in the list, got ${describeToken(sep)}`);
      }
    }
  }
}

/** True when a LIKE pattern ends with an escape backslash that escapes nothing. */
export function endsWithLoneEscape(pattern: string): boolean {
  let n = 0;
  for (let i = pattern.length - 1; i >= 0 && pattern[i] === '\\'; i--) n++;
  return n % 2 === 1;
}
