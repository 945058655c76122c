/**
 * MLflow's search filter and order_by language: a tokenizer and recursive-descent parser that
 * give a typed AST per entity, and compilers from it to parameterized SQL on SQLite and
 * PostgreSQL. Every grammar error is INVALID_ARGUMENT with `details.position` (1-based).
 */
export type {
  Comparator,
  FilterClause,
  ListComparator,
  NumericComparator,
  OrderByClause,
  OrderByKind,
  SearchEntity,
  StringComparator,
  StringTest,
} from './ast.js';
export { entitySpecs } from './entities.js';
export type { ErrorSite, SearchField } from './errors.js';
export { maxOrderByClauses, parseOrderBy } from './order-by.js';
export { maxFilterClauses, maxListValues, parseFilter } from './parser.js';
export { type SearchExperimentsQuery, searchExperimentIds } from './search-experiments.js';
export { type SearchRegistryQuery, searchModelVersions, searchRegisteredModels } from './search-registry.js';
export {
  compileSearchRuns,
  countRunIds,
  type RunStrategy,
  type SearchRunsQuery,
  searchRunIds,
} from './search-runs.js';
export { quoteFilterKey, quoteFilterValue, type Token, tokenize } from './tokenizer.js';
