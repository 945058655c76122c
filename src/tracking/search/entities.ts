import type { Comparator, NumericComparator, SearchEntity, StringComparator } from './ast.js';

/** What an identifier's prefix names. */
export type IdentKind = 'metric' | 'param' | 'tag' | 'attribute' | 'dataset';

/** A searchable attribute: its canonical key, value type and allowed comparators. */
export interface AttributeSpec {
  key: string;
  type: 'string' | 'number';
  ops: readonly Comparator[];
}

/** The grammar of one entity: prefixes, attributes, and what order_by accepts. */
export interface EntitySpec {
  /** Singular noun for messages ("run", "experiment"). */
  noun: string;
  /** Accepted prefixes (exactly as written; MLflow's prefixes are case-sensitive). */
  prefixes: Readonly<Record<string, IdentKind>>;
  /** Filterable attributes by every accepted spelling (aliases included). */
  attributes: Readonly<Record<string, AttributeSpec>>;
  /** order_by attribute spellings → canonical key. */
  orderAttributes: Readonly<Record<string, string>>;
  /** Which kinds order_by accepts. */
  orderKinds: readonly IdentKind[];
}

/** Comparators on numbers. */
export const numericOps: readonly NumericComparator[] = ['=', '!=', '>', '>=', '<', '<='];
/** Comparators on strings. */
export const stringOps: readonly StringComparator[] = ['=', '!=', 'LIKE', 'ILIKE'];
const listOps: readonly Comparator[] = [...stringOps, 'IN', 'NOT IN'];

const str = (key: string, ops: readonly Comparator[] = stringOps): AttributeSpec => ({
  key,
  type: 'string',
  ops,
});
const num = (key: string): AttributeSpec => ({ key, type: 'number', ops: numericOps });

/** Comparators per non-attribute kind (MLflow's VALID_*_COMPARATORS). */
export const kindOps: Readonly<Record<Exclude<IdentKind, 'attribute'>, readonly Comparator[]>> = {
  metric: numericOps,
  param: stringOps,
  tag: stringOps,
  dataset: listOps,
};

/** The dataset fields a runs filter may test (`datasets.name`, …). */
export const datasetKeys = ['name', 'digest', 'context'] as const;

const attributeAndTag: Readonly<Record<string, IdentKind>> = {
  attribute: 'attribute',
  attributes: 'attribute',
  tag: 'tag',
  tags: 'tag',
};

const runName = str('run_name');
const startTime = num('start_time');

/**
 * The grammar per entity, as MLflow's `search_utils.py` and its SQL stores define it. Lathe
 * additions (a superset, so every filter MLflow accepts still parses): runs may filter and sort on
 * `lifecycle_stage`; experiments, registered models and model versions accept the `attributes.`
 * prefix; model versions accept `version` for `version_number`; registered models may sort on
 * `creation_timestamp` (as MLflow's SearchModelUtils allows).
 */
export const entitySpecs: Readonly<Record<SearchEntity, EntitySpec>> = {
  runs: {
    noun: 'run',
    prefixes: {
      metric: 'metric',
      metrics: 'metric',
      parameter: 'param',
      parameters: 'param',
      param: 'param',
      params: 'param',
      tag: 'tag',
      tags: 'tag',
      attribute: 'attribute',
      attributes: 'attribute',
      attr: 'attribute',
      run: 'attribute',
      dataset: 'dataset',
      datasets: 'dataset',
    },
    attributes: {
      run_id: str('run_id', listOps),
      run_name: runName,
      'run name': runName,
      'Run name': runName,
      'Run Name': runName,
      user_id: str('user_id'),
      status: str('status'),
      artifact_uri: str('artifact_uri'),
      lifecycle_stage: str('lifecycle_stage'),
      start_time: startTime,
      created: startTime,
      Created: startTime,
      end_time: num('end_time'),
    },
    orderAttributes: {
      run_id: 'run_id',
      run_name: 'run_name',
      user_id: 'user_id',
      status: 'status',
      artifact_uri: 'artifact_uri',
      lifecycle_stage: 'lifecycle_stage',
      start_time: 'start_time',
      created: 'start_time',
      Created: 'start_time',
      end_time: 'end_time',
    },
    orderKinds: ['metric', 'param', 'tag', 'attribute'],
  },
  experiments: {
    noun: 'experiment',
    prefixes: attributeAndTag,
    attributes: {
      name: str('name'),
      creation_time: num('creation_time'),
      last_update_time: num('last_update_time'),
    },
    orderAttributes: {
      name: 'name',
      experiment_id: 'experiment_id',
      creation_time: 'creation_time',
      last_update_time: 'last_update_time',
    },
    orderKinds: ['attribute'],
  },
  registered_models: {
    noun: 'registered model',
    prefixes: attributeAndTag,
    attributes: { name: str('name') },
    orderAttributes: {
      name: 'name',
      timestamp: 'last_updated_timestamp',
      last_updated_timestamp: 'last_updated_timestamp',
      creation_timestamp: 'creation_timestamp',
    },
    orderKinds: ['attribute'],
  },
  model_versions: {
    noun: 'model version',
    prefixes: attributeAndTag,
    attributes: {
      name: str('name'),
      run_id: str('run_id', [...stringOps, 'IN']),
      source_path: str('source_path'),
      version_number: num('version_number'),
      version: num('version_number'),
    },
    orderAttributes: {
      name: 'name',
      version_number: 'version_number',
      version: 'version_number',
      creation_timestamp: 'creation_timestamp',
      last_updated_timestamp: 'last_updated_timestamp',
    },
    orderKinds: ['attribute'],
  },
};

/** The distinct prefixes of an entity, for "valid prefixes: …" in messages. */
export function prefixList(spec: EntitySpec): string {
  return Object.keys(spec.prefixes).join(', ');
}

/** Attribute spellings without the space-containing aliases, for messages. */
export function attributeList(names: readonly string[]): string {
  return names.filter((n) => !n.includes(' ') && n !== 'Created').join(', ');
}
