/**
 * Reading MLflow's `MLmodel` file: its flavors, its signature (column or tensor specs stored as
 * JSON strings) and its saved input example, in the shapes MLflow 1.x–3.x write.
 */
import { parse as parseYaml } from 'yaml';
import { describeValue, LatheError } from '../../../core/index.js';
import type { ColumnSpec, ColumnType, ModelSignature } from '../../signature.js';

/** The parts of an `MLmodel` file Lathe reads. */
export interface MlModel {
  flavors: Record<string, Record<string, unknown>>;
  runId?: string;
  artifactPath?: string;
  /** Column specs of the input schema; null for tensor-based or absent signatures. */
  inputs: ColumnSpec[] | null;
  outputs: ColumnSpec[] | null;
  /** Where the input example is and how it is laid out. */
  example?: { path: string; type: string; orient?: string };
}

const columnTypes: readonly ColumnType[] = [
  'boolean',
  'integer',
  'long',
  'float',
  'double',
  'string',
  'binary',
  'datetime',
];

function invalid(message: string): LatheError {
  return new LatheError('MODEL_PACKAGE_INVALID', `MLmodel: ${message}`);
}

/** Column specs from a signature's JSON string; null when the schema is tensor-based. */
function schemaColumns(json: unknown, which: string): ColumnSpec[] | null {
  if (json === undefined || json === null) return null;
  let specs: unknown;
  try {
    specs = typeof json === 'string' ? JSON.parse(json) : json;
  } catch (err) {
    throw invalid(`signature ${which} is not valid JSON: ${(err as Error).message}`);
  }
  if (!Array.isArray(specs))
    throw invalid(`signature ${which} must be a list of specs; got ${describeValue(specs)}`);
  if (specs.some((s) => (s as { type?: unknown })?.type === 'tensor')) return null;
  return specs.map((s, i) => {
    const spec = s as { name?: unknown; type?: unknown; required?: unknown };
    if (!columnTypes.includes(spec.type as ColumnType))
      throw invalid(
        `signature ${which}[${i}] has type ${describeValue(spec.type)}; Lathe reads ${columnTypes.join(', ')} and tensor`,
      );
    return {
      name: typeof spec.name === 'string' ? spec.name : String(i),
      type: spec.type as ColumnType,
      required: spec.required !== false,
    };
  });
}

/**
 * Parses an `MLmodel` file.
 * @throws LatheError MODEL_PACKAGE_INVALID when it is not YAML or lacks `flavors`.
 */
export function parseMlModel(bytes: Uint8Array): MlModel {
  let doc: unknown;
  try {
    doc = parseYaml(new TextDecoder().decode(bytes));
  } catch (err) {
    throw invalid(`not valid YAML: ${(err as Error).message}`);
  }
  const o = doc as Record<string, unknown> | null;
  if (typeof o !== 'object' || o === null || typeof o['flavors'] !== 'object' || o['flavors'] === null)
    throw invalid('expected a YAML mapping with a flavors section');
  const sig = (o['signature'] ?? {}) as Record<string, unknown>;
  const info = o['saved_input_example_info'] as Record<string, unknown> | undefined;
  return {
    flavors: o['flavors'] as MlModel['flavors'],
    ...(typeof o['run_id'] === 'string' ? { runId: o['run_id'] } : {}),
    ...(typeof o['artifact_path'] === 'string' ? { artifactPath: o['artifact_path'] } : {}),
    inputs: schemaColumns(sig['inputs'], 'inputs'),
    outputs: schemaColumns(sig['outputs'], 'outputs'),
    ...(info && typeof info['artifact_path'] === 'string'
      ? {
          example: {
            path: info['artifact_path'],
            type: String(info['type'] ?? 'dataframe'),
            ...(typeof info['pandas_orient'] === 'string' ? { orient: info['pandas_orient'] } : {}),
          },
        }
      : {}),
  };
}

/** The MLmodel's signature, when it has column specs for its inputs. */
export function mlmodelSignature(m: MlModel): ModelSignature | undefined {
  if (!m.inputs) return undefined;
  return { inputs: m.inputs, outputs: m.outputs ?? [{ name: 'prediction', type: 'double', required: true }] };
}

/**
 * Rows of an input example file (`split`, `records` or `values` orient, an ndarray `{"inputs":
 * …}`, or a serving payload `{"dataframe_split": …}`), with `columns` naming unnamed values.
 * @throws LatheError MODEL_PACKAGE_INVALID when the file cannot be read as rows.
 */
export function exampleRows(
  bytes: Uint8Array,
  columns: readonly string[] | undefined,
): Record<string, unknown>[] {
  let doc: unknown;
  try {
    doc = JSON.parse(new TextDecoder().decode(bytes));
  } catch (err) {
    throw invalid(`the input example is not valid JSON: ${(err as Error).message}`);
  }
  const fromValues = (data: unknown[], names: readonly string[] | undefined) =>
    data.map((row, i) => {
      if (!Array.isArray(row)) throw invalid(`input example row ${i} must be a list of values`);
      if (!names || names.length !== row.length)
        throw invalid(
          `input example row ${i} has ${row.length} values; the signature names ${names?.length ?? 0} inputs`,
        );
      return Object.fromEntries(names.map((n, j) => [n, row[j]]));
    });
  let o = doc as Record<string, unknown>;
  if (o && typeof o === 'object' && !Array.isArray(o)) {
    if (o['dataframe_split']) o = o['dataframe_split'] as Record<string, unknown>;
    else if (o['dataframe_records']) return o['dataframe_records'] as Record<string, unknown>[];
    if (Array.isArray(o['data']))
      return fromValues(o['data'], (o['columns'] as string[] | undefined) ?? columns);
    const inputs = o['inputs'] ?? o['instances'];
    if (Array.isArray(inputs))
      return Array.isArray(inputs[0]) ? fromValues(inputs, columns) : (inputs as Record<string, unknown>[]);
  }
  if (Array.isArray(doc)) {
    if (doc.every((r) => typeof r === 'object' && r !== null && !Array.isArray(r)))
      return doc as Record<string, unknown>[];
    return fromValues(doc, columns);
  }
  throw invalid('the input example is neither split, records, values nor inputs JSON');
}
