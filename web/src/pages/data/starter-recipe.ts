// Starter texts for the editors of the version page: a transform recipe and a check suite made from
// a version's columns and profile, valid as they are, for the user to edit.
import type { ColumnProfile, DatasetVersionDetails } from '../../../../src/sdk/index.js';

const yamlWords = new Set(['true', 'false', 'null', 'yes', 'no', 'on', 'off', 'y', 'n', '~']);

/** A column name as a YAML scalar: plain when safe, else double-quoted (JSON strings are YAML). */
function yamlName(name: string): string {
  return /^[A-Za-z_][A-Za-z0-9_]*$/.test(name) && !yamlWords.has(name.toLowerCase())
    ? name
    : JSON.stringify(name);
}

const list = (names: string[]) => `[${names.map(yamlName).join(', ')}]`;

const numericType =
  /^(TINYINT|SMALLINT|INTEGER|BIGINT|HUGEINT|UTINYINT|USMALLINT|UINTEGER|UBIGINT|FLOAT|REAL|DOUBLE|DECIMAL)/i;
const integerOrText = /^(TINYINT|SMALLINT|INTEGER|BIGINT|VARCHAR|BOOLEAN)/i;
const dateType = /^(DATE|TIMESTAMP)/i;

/** A dataset name that fits `<name>-features-validation` (128 characters at most). */
function outputName(name: string): string {
  return `${name.slice(0, 128 - '-features-validation'.length)}-features`;
}

/**
 * A recipe for `v` that applies as it is: drops identifiers and personal data, imputes missing
 * numbers (median) and categories (mode), one-hot encodes categories, adds date parts, scales
 * numbers, and splits 80/20 (stratified on a target with few classes, else random).
 */
export function starterRecipe(v: DatasetVersionDetails): string {
  const profile = new Map<string, ColumnProfile>(v.profile.columns.map((c) => [c.name, c]));
  const pii = new Set(v.profile.pii.map((f) => f.column));
  const target = v.columns.find((c) => c.semantic === 'target');
  const drop = v.columns.filter((c) => c.semantic === 'identifier' || (pii.has(c.name) && c !== target));
  const kept = v.columns.filter((c) => !drop.includes(c));
  const features = kept.filter((c) => c !== target);
  const numeric = features.filter((c) => c.semantic === 'numeric' && numericType.test(c.type));
  const categorical = features.filter((c) => c.semantic === 'categorical' && integerOrText.test(c.type));
  const dates = features.filter((c) => c.semantic === 'datetime' && dateType.test(c.type));
  const missing = (c: { name: string }) => (profile.get(c.name)?.missing ?? 0) > 0;

  const steps: string[] = [];
  if (drop.length && kept.length)
    steps.push(`  - drop: ${list(drop.map((c) => c.name))}   # identifiers and personal data`);
  const impute = [
    ...numeric.filter(missing).map((c) => `${yamlName(c.name)}: median`),
    ...categorical.filter(missing).map((c) => `${yamlName(c.name)}: mode`),
  ];
  if (impute.length) steps.push(`  - impute: { ${impute.join(', ')} }   # fills missing values`);
  if (categorical.length)
    steps.push(`  - onehot: { columns: ${list(categorical.map((c) => c.name))}, max_categories: 20 }`);
  if (dates.length)
    steps.push(
      `  - datetime_parts: { ${dates.map((c) => `${yamlName(c.name)}: [year, month, weekday]`).join(', ')} }`,
    );
  if (numeric.length) steps.push(`  - standard_scale: ${list(numeric.map((c) => c.name))}`);
  if (!steps.length) steps.push(`  - select: ${list(v.columns.map((c) => c.name))}`);

  const classes = target ? (profile.get(target.name)?.distinct ?? Infinity) : Infinity;
  const split =
    target && classes <= 20
      ? [
          'split:',
          '  kind: stratified',
          '  ratios: { train: 0.8, test: 0.2 }',
          `  column: ${yamlName(target.name)}`,
          '  seed: 42',
        ]
      : ['split:', '  kind: random', '  ratios: { train: 0.8, test: 0.2 }', '  seed: 42'];
  return [
    `# A starter recipe for ${v.ref}, made from its columns: edit it, then Apply.`,
    '# Steps: select, drop, rename, cast, filter, derive, impute, onehot, ordinal, standard_scale,',
    '# minmax_scale, log, clip, bucketize, datetime_parts, text_length, pii, deduplicate, join.',
    'version: 1',
    'steps:',
    ...steps,
    ...split,
    `output: ${yamlName(outputName(v.name))}   # with a split: ${outputName(v.name)}-train, -test`,
    '',
  ].join('\n');
}

/**
 * A suite for `v`: the default checks with explicit thresholds, plus an identifier check and a range
 * check on the first numeric column (bounds from its profile), to edit and run.
 */
export function starterSuite(v: DatasetVersionDetails): string {
  const id = v.columns.find((c) => c.semantic === 'identifier');
  const target = v.columns.find((c) => c.semantic === 'target');
  const num = v.profile.columns.find(
    (c) => c.semantic === 'numeric' && typeof c.min === 'number' && typeof c.max === 'number',
  );
  const lines = [
    `# A suite for ${v.ref}: edit it, then Run. Each check passes, warns or fails against its thresholds.`,
    '# Checks: missing_values, duplicate_rows, duplicate_ids, constant_columns, mixed_types,',
    '# string_mismatches, out_of_range, outliers, class_imbalance, conflicting_labels,',
    '# target_leakage, new_categories, schema_change, insufficient_history.',
    'reference: previous',
    'checks:',
    '  - check: missing_values',
    '    warn: 0.01',
    '    fail: 0.2',
    '  - check: duplicate_rows',
  ];
  if (id) lines.push('  - check: duplicate_ids', `    column: ${yamlName(id.name)}`);
  if (num)
    lines.push(
      '  - check: out_of_range',
      `    column: ${yamlName(num.name)}`,
      `    min: ${Math.floor(num.min as number)}`,
      `    max: ${Math.ceil(num.max as number)}`,
    );
  lines.push('  - check: outliers', '    method: iqr');
  if (target) lines.push('  - check: class_imbalance', '  - check: target_leakage');
  lines.push('  - check: schema_change', '');
  return lines.join('\n');
}
