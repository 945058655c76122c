import type {
  CheckRun,
  CheckRunSummary,
  Dataset,
  DatasetDiff,
  DatasetVersion,
  DatasetVersionDetails,
  DatasetVersionLineage,
  DiffOptions,
  FittedRecipe,
  RowsPage,
  RowsQuery,
  SourceOptions,
  TransformResult,
} from '../data/index.js';
import { enc, type Query, type Transport } from './transport.js';

// Values from the data module's types file only: its index also exports the Node-only service,
// and the SDK runs in browsers.
export { sourceEncodings, sourceFormats } from '../data/types.js';
export { checkRunToJUnit } from '../data/checks/junit.js';
export { checkNames } from '../data/checks/types.js';
export type {
  CheckName,
  CheckResult,
  CheckRun,
  CheckRunSummary,
  CheckSpec,
  CheckStatus,
  CheckSuite,
  CheckSummary,
  ColumnCheckResult,
  OverallStatus,
  Thresholds,
} from '../data/checks/types.js';

export type {
  ColumnProfile,
  ColumnSchema,
  DataLineageEdge,
  DataLineageLink,
  DataLineageNode,
  Dataset,
  DatasetProfile,
  DatasetVersion,
  DatasetVersionDetails,
  DatasetVersionLineage,
  IngestIssue,
  IngestReport,
  RowsPage,
  SemanticType,
} from '../data/index.js';
export type {
  ColumnDiff,
  ColumnSideStats,
  DatasetDiff,
  DiffBasis,
  DiffCategories,
  DiffHistogram,
  DiffKind,
  DiffOptions,
  DriftStatistics,
  DriftThresholds,
  SchemaDiff,
} from '../data/index.js';

/** How to read an uploaded file and what to record with the version. */
export interface IngestOptions extends SourceOptions {
  /** The file's name (its extension picks the format when `format` is `auto`). */
  filename?: string;
  /** Add the rows to the latest version. */
  append?: boolean;
  target?: string;
  /** Semantic types by column, e.g. `{ zip: 'categorical' }`. */
  semantic?: Record<string, string>;
  message?: string;
  description?: string;
}

/** A SQL source: a PostgreSQL URI (its password is used to connect, never stored) and one query. */
export interface SqlSource {
  uri: string;
  query: string;
}

/** What to record with a version made from a query. */
export type SqlIngestOptions = Pick<
  IngestOptions,
  'append' | 'target' | 'semantic' | 'message' | 'description'
>;

/** Paging, sorting and one filter; see the rows route. */
export type RowsOptions = RowsQuery;

/** `name@3` → { name, version: '3' }; a bare name is its latest version. */
const splitRef = (ref: string) => {
  const at = ref.lastIndexOf('@');
  return at < 0 ? { name: ref, version: 'latest' } : { name: ref.slice(0, at), version: ref.slice(at + 1) };
};

const versionPath = (ref: string) => {
  const at = ref.lastIndexOf('@');
  const name = at < 0 ? ref : ref.slice(0, at);
  const version = at < 0 ? 'latest' : ref.slice(at + 1);
  return `/api/v1/datasets/${enc(name)}/versions/${enc(version)}`;
};

/** Datasets through /api/v1/datasets. References are `name@3`, `name@latest` or `name`. */
export class DataClient {
  constructor(private readonly t: Transport) {}

  list(): Promise<Dataset[]> {
    return this.t.request<{ datasets: Dataset[] }>('GET', '/api/v1/datasets').then((r) => r.datasets);
  }

  /** A dataset with its versions, newest first. */
  get(name: string): Promise<Dataset & { versions: DatasetVersion[] }> {
    return this.t.request('GET', `/api/v1/datasets/${enc(name)}`);
  }

  /** One version with its schema, profile and ingest report. */
  version(ref: string): Promise<DatasetVersionDetails> {
    return this.t.request('GET', versionPath(ref));
  }

  /**
   * Uploads a file as a new version of `name`; the body streams. `created` is false when the
   * content equals an existing version (that version is answered).
   */
  ingest(
    name: string,
    body: Blob | Uint8Array | ReadableStream<Uint8Array>,
    options: IngestOptions = {},
  ): Promise<{ created: boolean; version: DatasetVersionDetails }> {
    const { semantic, ...rest } = options;
    const query: Query = { ...rest };
    if (semantic)
      query.semantic = Object.entries(semantic)
        .map(([c, s]) => `${c}:${s}`)
        .join(',');
    return this.t.upload(`/api/v1/datasets/${enc(name)}/versions`, body, query);
  }

  /**
   * Has the server run one read-only query against PostgreSQL and ingest its rows as a new
   * version of `name` (see `POST /api/v1/datasets/{name}/versions/from-sql`). The server must
   * allow the URI's host (`data.sqlSourceHosts`).
   */
  ingestQuery(
    name: string,
    source: SqlSource,
    options: SqlIngestOptions = {},
  ): Promise<{ created: boolean; version: DatasetVersionDetails }> {
    return this.t.request('POST', `/api/v1/datasets/${enc(name)}/versions/from-sql`, {
      uri: source.uri,
      query: source.query,
      ...options,
    });
  }

  /** A page of rows, sorted and filtered on request. */
  rows(ref: string, options: RowsOptions = {}): Promise<RowsPage> {
    const { filter, ...rest } = options;
    return this.t.request('GET', `${versionPath(ref)}/rows`, undefined, {
      ...rest,
      ...(filter ? { filterColumn: filter.column, filterOp: filter.op, filterValue: filter.value } : {}),
    });
  }

  /**
   * Runs a quality-check suite on a version and stores the run: `suite` is the suite object, its
   * YAML/JSON text, or nothing for the default suite. A failing check is in the answer
   * (`status: 'fail'`), not thrown; an invalid suite throws INVALID_ARGUMENT.
   */
  check(ref: string, suite?: string | Record<string, unknown> | unknown[]): Promise<CheckRun> {
    const body =
      suite === undefined
        ? {}
        : typeof suite === 'string'
          ? { suite }
          : Array.isArray(suite)
            ? { checks: suite }
            : suite;
    return this.t.request('POST', `${versionPath(ref)}/checks`, body);
  }

  /** The stored check runs of a version, newest first, without their results. */
  checkRuns(ref: string): Promise<CheckRunSummary[]> {
    return this.t
      .request<{ runs: CheckRunSummary[] }>('GET', `${versionPath(ref)}/checks`)
      .then((r) => r.runs);
  }

  /** One stored check run of a version, with its suite and results. */
  checkRun(ref: string, id: string): Promise<CheckRun> {
    return this.t.request('GET', `${versionPath(ref)}/checks/${enc(id)}`);
  }

  /** The rows as a CSV or Parquet file. */
  export(ref: string, format: 'csv' | 'parquet'): Promise<Blob> {
    return this.t.blob(`${versionPath(ref)}/export`, { format });
  }

  /**
   * The diff of version `a` (the reference, old) and version `b` (the current, new), which may
   * belong to different datasets: schema changes, row counts, and per column both distributions
   * with PSI, Jensen–Shannon, KS/Wasserstein or chi-squared and whether it drifted.
   */
  diff(a: string, b: string, options: DiffOptions = {}): Promise<DatasetDiff> {
    const [from, to] = [splitRef(a), splitRef(b)];
    return this.t.request('GET', `/api/v1/datasets/${enc(from.name)}/diff`, undefined, {
      from: from.version,
      to: to.version,
      ...(to.name !== from.name ? { toDataset: to.name } : {}),
      ...options.thresholds,
      sampleSize: options.sampleSize,
      seed: options.seed,
    });
  }

  /**
   * Applies a transform recipe to a version: `recipe` is the recipe object or its YAML/JSON text.
   * The server fits it on that version and records the result (one version per split) with
   * lineage; the answer lists them (`created: false` when equal content existed).
   */
  transform(
    ref: string,
    recipe: string | Record<string, unknown>,
    options: { message?: string } = {},
  ): Promise<TransformResult> {
    return this.t.request(
      'POST',
      `${versionPath(ref)}/transform`,
      typeof recipe === 'string' ? { recipe } : recipe,
      options.message !== undefined ? { message: options.message } : undefined,
    );
  }

  /** The fitted recipe of a version a recipe produced; apply it to rows with `applyFittedRecipe`. */
  recipe(ref: string): Promise<FittedRecipe> {
    return this.t.request('GET', `${versionPath(ref)}/recipe`);
  }

  /**
   * A version's lineage across datasets: its parents and children (versions of any dataset made
   * from it by recipes, appended batches, and anything else recorded as using it), each with the
   * edge's kind, and every node and edge within `depth` generations (default 1) each way.
   */
  lineage(ref: string, options: { depth?: number } = {}): Promise<DatasetVersionLineage> {
    return this.t.request('GET', `${versionPath(ref)}/lineage`, undefined, { depth: options.depth });
  }
}
