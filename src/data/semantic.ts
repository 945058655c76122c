import { describeValue, LatheError } from '../core/index.js';
import type { SemanticType } from './types.js';
import { semanticTypes } from './types.js';

/** The physical family of a DuckDB type name. */
export type TypeFamily = 'integer' | 'float' | 'boolean' | 'date' | 'timestamp' | 'string' | 'other';

export function typeFamily(type: string): TypeFamily {
  const t = type.toUpperCase();
  if (/^(U?(TINY|SMALL|BIG|HUGE)?INT(EGER)?)$/.test(t)) return 'integer';
  if (t === 'FLOAT' || t === 'DOUBLE' || t === 'REAL' || t.startsWith('DECIMAL')) return 'float';
  if (t === 'BOOLEAN') return 'boolean';
  if (t === 'DATE') return 'date';
  if (t.startsWith('TIMESTAMP')) return 'timestamp';
  if (t === 'VARCHAR') return 'string';
  return 'other';
}

export const isNumericFamily = (f: TypeFamily) => f === 'integer' || f === 'float';

/** What semantic inference looks at. */
export interface SemanticEvidence {
  name: string;
  family: TypeFamily;
  count: number;
  distinct: number;
  /** True when `distinct` is an estimate (HyperLogLog, a few % off past 100,000 rows). */
  distinctApproximate?: boolean;
  /** Mean length of text values. */
  meanLength?: number;
  /** For integers: the smallest and largest value. */
  min?: number;
  max?: number;
}

const idName = /(^|[_\s-])(id|uuid|guid|key)$|^id[_\s-]|Id$|ID$/;

/**
 * The semantic type a column most likely has:
 * - BOOLEAN, and integers holding only 0 and 1 → `boolean`; DATE and TIMESTAMP → `datetime`;
 * - a column named like an identifier (`id`, `user_id`, `uuid`…) whose values are ≥ 99% distinct
 *   (≥ 90% by an approximate count, which can be a few % low), or a text column whose short values
 *   are all distinct → `identifier`;
 * - other numbers → `numeric`;
 * - text whose values are long (mean ≥ 30 characters) or mostly distinct → `text`; other text →
 *   `categorical`.
 */
export function inferSemantic(e: SemanticEvidence): SemanticType {
  if (e.family === 'boolean') return 'boolean';
  if (e.family === 'date' || e.family === 'timestamp') return 'datetime';
  const unique = e.count > 0 && e.distinct >= 0.99 * e.count;
  const nearlyUnique = unique || (e.distinctApproximate === true && e.distinct >= 0.9 * e.count);
  if (nearlyUnique && e.count >= 20 && idName.test(e.name)) return 'identifier';
  if (isNumericFamily(e.family)) {
    if (e.family === 'integer' && e.min === 0 && e.max === 1) return 'boolean';
    return 'numeric';
  }
  if (e.family === 'string') {
    const len = e.meanLength ?? 0;
    if (unique && e.count >= 20 && len > 0 && len < 30) return 'identifier';
    if (len >= 30 || (e.count >= 20 && e.distinct > 0.5 * e.count)) return 'text';
    return 'categorical';
  }
  return 'text';
}

/** Checks `{ column: semanticType }` overrides given by a user against the columns present. */
export function checkSemanticOverrides(
  overrides: unknown,
  columns: readonly string[],
): Record<string, SemanticType> {
  if (overrides === undefined || overrides === null) return {};
  if (typeof overrides !== 'object' || Array.isArray(overrides))
    throw new LatheError(
      'INVALID_ARGUMENT',
      `semantic types must be an object { column: type }; got ${describeValue(overrides)}`,
    );
  const out: Record<string, SemanticType> = {};
  for (const [col, type] of Object.entries(overrides)) {
    if (!columns.includes(col))
      throw new LatheError(
        'INVALID_ARGUMENT',
        `semantic type given for column ${JSON.stringify(col)}, which the data does not have; columns: ${columns.join(', ')}`,
      );
    if (!semanticTypes.includes(type as SemanticType))
      throw new LatheError(
        'INVALID_ARGUMENT',
        `semantic type of ${JSON.stringify(col)} must be one of ${semanticTypes.join(', ')}; got ${describeValue(type)}`,
      );
    out[col] = type as SemanticType;
  }
  return out;
}
