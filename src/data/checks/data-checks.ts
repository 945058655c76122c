import type { AuditLog, Principal } from '../../auth/index.js';
import { isLatheError, isoTime, LatheError, newId } from '../../core/index.js';
import type { DataCheckRunsTable, MetaStore } from '../../storage/meta/index.js';
import type { TableEngine } from '../../storage/tables/index.js';
import { formatRef, parseDatasetRef } from '../refs.js';
import type { DatasetRef, DatasetVersionDetails } from '../types.js';
import { runChecks } from './run-checks.js';
import { parseSuite, previousReference, refuseSuite } from './suite.js';
import type { CheckRun, CheckRunSummary, CheckSuite } from './types.js';

/** What the checks need from the data service. */
export interface DataChecksDeps {
  store: MetaStore;
  audit: AuditLog;
  engine: () => Promise<TableEngine>;
  version: (ref: unknown) => Promise<DatasetVersionDetails>;
  /** The local file of a stored blob; NOT_IMPLEMENTED when the blob store has none. */
  localPath: (digest: string) => string;
}

/**
 * Quality-check runs of dataset versions: runs a suite (or the default one) over a version and
 * stores the run in the metadata store, failing checks included; lists and reads stored runs.
 */
export class DataChecks {
  constructor(private readonly deps: DataChecksDeps) {}

  /**
   * Runs `suite` (see `parseSuite`; nothing for the default suite) over the version `ref` names and
   * stores the run. A failing check is a result, not an error; an invalid suite is INVALID_ARGUMENT
   * and nothing is stored.
   */
  async run(ref: unknown, suite: unknown, actor: Principal | null): Promise<CheckRun> {
    const started = performance.now();
    const parsed = parseSuite(suite);
    const version = await this.deps.version(ref);
    const { reference, noReference } = await this.#reference(version, parsed);
    const outcome = await runChecks({
      engine: await this.deps.engine(),
      version,
      parquet: this.deps.localPath(version.digest),
      suite: parsed,
      reference: reference ? { version: reference, parquet: this.deps.localPath(reference.digest) } : null,
      noReference,
    });
    const run: CheckRun = {
      id: newId('chk_'),
      ref: version.ref,
      name: version.name,
      version: version.version,
      status: outcome.status,
      summary: outcome.summary,
      reference: reference?.ref ?? null,
      suite: parsed,
      results: outcome.results,
      rows: version.rows,
      durationMs: Math.round(performance.now() - started),
      createdAt: isoTime(Date.now()),
      createdBy: actor?.userName ?? 'local',
    };
    await this.deps.store.db.transaction().execute(async (trx) => {
      await trx
        .insertInto('data_check_runs')
        .values({
          id: run.id,
          name: run.name,
          version: run.version,
          status: run.status,
          reference: run.reference,
          suite: JSON.stringify(run.suite),
          results: JSON.stringify(run.results),
          summary: JSON.stringify(run.summary),
          rows: run.rows,
          duration_ms: run.durationMs,
          created_at: Date.parse(run.createdAt),
          created_by: run.createdBy,
        })
        .execute();
      await this.deps.audit.record(
        {
          actor,
          action: 'dataset_check.run',
          objectType: 'dataset_version',
          objectId: `${run.name}/${run.version}`,
          details: { run: run.id, status: run.status, reference: run.reference },
        },
        trx,
      );
    });
    return run;
  }

  /** The stored runs of a version, newest first, without their results. */
  async runs(ref: unknown): Promise<CheckRunSummary[]> {
    const v = await this.deps.version(ref);
    const rows = await this.deps.store.db
      .selectFrom('data_check_runs')
      .select([
        'id',
        'name',
        'version',
        'status',
        'reference',
        'summary',
        'rows',
        'duration_ms',
        'created_at',
        'created_by',
      ])
      .where('name', '=', v.name)
      .where('version', '=', v.version)
      .orderBy('created_at', 'desc')
      .orderBy('id', 'desc')
      .execute();
    return rows.map((r) => summaryOf(r));
  }

  /** One stored run of the version `ref` names; NOT_FOUND when it has no run by that id. */
  async get(ref: unknown, id: unknown): Promise<CheckRun> {
    const v = await this.deps.version(ref);
    const row =
      typeof id === 'string'
        ? await this.deps.store.db
            .selectFrom('data_check_runs')
            .selectAll()
            .where('id', '=', id)
            .where('name', '=', v.name)
            .where('version', '=', v.version)
            .executeTakeFirst()
        : undefined;
    if (!row)
      throw new LatheError('NOT_FOUND', `${v.ref} has no check run ${JSON.stringify(id)}`, { ref: v.ref });
    return { ...summaryOf(row), suite: JSON.parse(row.suite), results: JSON.parse(row.results) };
  }

  /** The version new-category and schema checks compare with, or why there is none. */
  async #reference(
    version: DatasetVersionDetails,
    suite: CheckSuite,
  ): Promise<{ reference: DatasetVersionDetails | null; noReference: string }> {
    let ref: DatasetRef;
    if (suite.reference === previousReference) {
      if (version.version === 1)
        return {
          reference: null,
          noReference: `${version.ref} is the first version: nothing to compare with (set \`reference:\` in the suite)`,
        };
      ref = { name: version.name, version: version.version - 1 };
    } else ref = parseDatasetRef(suite.reference);
    try {
      return { reference: await this.deps.version(ref), noReference: '' };
    } catch (err) {
      if (isLatheError(err) && err.code === 'NOT_FOUND')
        refuseSuite(
          { field: 'reference' },
          'a version that exists',
          `${ref.version === 'latest' ? ref.name : formatRef(ref.name, ref.version)} (${err.message})`,
        );
      throw err;
    }
  }
}

function summaryOf(
  r: Pick<
    DataCheckRunsTable,
    | 'id'
    | 'name'
    | 'version'
    | 'status'
    | 'reference'
    | 'summary'
    | 'rows'
    | 'duration_ms'
    | 'created_at'
    | 'created_by'
  >,
): CheckRunSummary {
  return {
    id: r.id,
    ref: formatRef(r.name, Number(r.version)),
    name: r.name,
    version: Number(r.version),
    status: r.status as CheckRunSummary['status'],
    summary: JSON.parse(r.summary),
    reference: r.reference,
    rows: Number(r.rows),
    durationMs: Number(r.duration_ms),
    createdAt: isoTime(Number(r.created_at)),
    createdBy: r.created_by,
  };
}
