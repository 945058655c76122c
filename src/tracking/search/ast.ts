/** The four things MLflow's search endpoints search. */
export type SearchEntity = 'runs' | 'experiments' | 'registered_models' | 'model_versions';

/** Comparators on numbers (metrics, times, version numbers). */
export type NumericComparator = '=' | '!=' | '>' | '>=' | '<' | '<=';
/** Comparators on strings (params, tags, names). `LIKE` is case-sensitive, `ILIKE` is not. */
export type StringComparator = '=' | '!=' | 'LIKE' | 'ILIKE';
/** Comparators on a parenthesised list of strings. */
export type ListComparator = 'IN' | 'NOT IN';
/** Every comparator the grammar knows. */
export type Comparator = NumericComparator | StringComparator | ListComparator;

interface ClauseBase {
  /** 1-based position of the clause's first character in the filter string. */
  position: number;
}

/** A comparison on a string value, or on a list of strings for `IN` / `NOT IN`. */
export type StringTest = { op: StringComparator; value: string } | { op: ListComparator; value: string[] };

/**
 * One `AND`-ed comparison of a filter, resolved for its entity: aliases are replaced by the
 * canonical key (`created` → `start_time`, `version` → `version_number`), values are typed.
 */
export type FilterClause =
  | (ClauseBase & { kind: 'metric'; key: string; op: NumericComparator; value: number })
  | (ClauseBase & { kind: 'param' | 'tag'; key: string; op: StringComparator; value: string })
  | (ClauseBase & { kind: 'numeric_attribute'; key: string; op: NumericComparator; value: number })
  | (ClauseBase & { kind: 'string_attribute'; key: string } & StringTest)
  | (ClauseBase & { kind: 'dataset'; key: 'name' | 'digest' | 'context' } & StringTest);

/** What an order_by clause sorts on. Only runs sort on metrics, params and tags. */
export type OrderByKind = 'metric' | 'param' | 'tag' | 'attribute';

/** One parsed order_by clause, key resolved to its canonical name for the entity. */
export interface OrderByClause {
  kind: OrderByKind;
  key: string;
  ascending: boolean;
}
