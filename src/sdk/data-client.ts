import type {
  Dataset,
  DatasetVersion,
  DatasetVersionDetails,
  RowsPage,
  RowsQuery,
  SourceOptions,
} from '../data/index.js';
import { enc, type Query, type Transport } from './transport.js';

// Values from the data module's types file only: its index also exports the Node-only service,
// and the SDK runs in browsers.
export { sourceEncodings, sourceFormats } from '../data/types.js';

export type {
  ColumnProfile,
  ColumnSchema,
  Dataset,
  DatasetProfile,
  DatasetVersion,
  DatasetVersionDetails,
  IngestIssue,
  IngestReport,
  RowsPage,
  SemanticType,
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

/** Paging, sorting and one filter; see the rows route. */
export type RowsOptions = RowsQuery;

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

  /** A page of rows, sorted and filtered on request. */
  rows(ref: string, options: RowsOptions = {}): Promise<RowsPage> {
    const { filter, ...rest } = options;
    return this.t.request('GET', `${versionPath(ref)}/rows`, undefined, {
      ...rest,
      ...(filter ? { filterColumn: filter.column, filterOp: filter.op, filterValue: filter.value } : {}),
    });
  }

  /** The rows as a CSV or Parquet file. */
  export(ref: string, format: 'csv' | 'parquet'): Promise<Blob> {
    return this.t.blob(`${versionPath(ref)}/export`, { format });
  }
}
