import type { Generated } from 'kysely';

/**
 * The metadata schema, one interface per table. Times are epoch milliseconds (UTC) stored as
 * BIGINT; booleans are 0/1 integers; JSON is stored as text. The same schema runs on SQLite and
 * PostgreSQL. Later modules add their tables here and a migration in `migrations/`.
 */
export interface MetaSchema {
  lathe_migrations: MigrationsTable;
  lathe_settings: SettingsTable;
  users: UsersTable;
  api_tokens: ApiTokensTable;
  audit_log: AuditLogTable;
  experiments: ExperimentsTable;
  experiment_tags: KeyValueTable & { experiment_id: number };
  runs: RunsTable;
  params: RunKeyValueTable;
  tags: RunKeyValueTable;
  metric_series: MetricSeriesTable;
  metrics: MetricPointsTable;
  latest_metrics: MetricsTable;
  datasets: DatasetsTable;
  inputs: InputsTable;
  input_tags: { input_uuid: string; name: string; value: string };
  lineage_edges: LineageEdgesTable;
  registered_models: RegisteredModelsTable;
  registered_model_tags: KeyValueTable & { name: string };
  model_versions: ModelVersionsTable;
  model_version_tags: KeyValueTable & { name: string; version: number };
  registered_model_aliases: { name: string; alias: string; version: number };
  webhooks: WebhooksTable;
  artifacts: ArtifactsTable;
  data_sets: DataSetsTable;
  data_versions: DataVersionsTable;
  data_check_runs: DataCheckRunsTable;
  jobs: JobsTable;
  registry_policies: RegistryPoliciesTable;
  model_version_validations: ModelVersionValidationsTable;
  model_version_approvals: ModelVersionApprovalsTable;
  deployments: DeploymentsTable;
  deployment_revisions: DeploymentRevisionsTable;
  monitored_models: MonitoredModelsTable;
  monitoring_segments: MonitoringSegmentsTable;
  monitoring_counters: MonitoringCountersTable;
  monitors: MonitorsTable;
  monitor_evaluations: MonitorEvaluationsTable;
  alerts: AlertsTable;
}

export interface MigrationsTable {
  version: number;
  name: string;
  applied_at: number;
}

/** Process-wide key/value facts (e.g. that the first admin was created). */
export interface SettingsTable {
  key: string;
  value: string;
  updated_at: number;
}

export interface UsersTable {
  id: string;
  name: string;
  /** `admin` | `editor` | `viewer` */
  role: string;
  created_at: number;
  disabled: number;
}

export interface ApiTokensTable {
  id: string;
  user_id: string;
  name: string;
  /** The first characters of the secret, shown so a person can tell tokens apart. */
  prefix: string;
  /** SHA-256 (hex) of the secret; the secret itself is never stored. */
  secret_hash: string;
  /** JSON array of scopes. */
  scopes: string;
  created_at: number;
  expires_at: number | null;
  last_used_at: number | null;
  revoked_at: number | null;
}

export interface AuditLogTable {
  seq: Generated<number>;
  at: number;
  actor_id: string | null;
  actor_name: string;
  token_id: string | null;
  action: string;
  object_type: string;
  object_id: string;
  /** JSON object with what changed (never secrets). */
  details: string;
  request_id: string | null;
}

export interface KeyValueTable {
  key: string;
  value: string;
}

export interface RunKeyValueTable extends KeyValueTable {
  run_uuid: string;
}

export interface ExperimentsTable {
  experiment_id: Generated<number>;
  name: string;
  artifact_location: string;
  /** `active` | `deleted` */
  lifecycle_stage: string;
  creation_time: number;
  last_update_time: number;
}

export interface RunsTable {
  /** 32 lowercase hex characters (MLflow's run ID format). */
  run_uuid: string;
  experiment_id: number;
  name: string;
  user_id: string;
  /** `RUNNING` | `SCHEDULED` | `FINISHED` | `FAILED` | `KILLED` */
  status: string;
  start_time: number | null;
  end_time: number | null;
  lifecycle_stage: string;
  artifact_uri: string;
  deleted_time: number | null;
}

/** One metric of one run: the key its points are stored under. */
export interface MetricSeriesTable {
  series_id: Generated<number>;
  run_uuid: string;
  key: string;
}

/** One point of a series. NaN is stored as value 0 with `is_nan = 1`; ±Infinity as ±Number.MAX_VALUE. */
export interface MetricPointsTable {
  series_id: number;
  step: number;
  timestamp: number;
  value: number;
  is_nan: number;
}

/** The newest point of each metric of a run (what search filters and sorts on); encoded as points are. */
export interface MetricsTable {
  run_uuid: string;
  key: string;
  step: number;
  timestamp: number;
  value: number;
  is_nan: number;
}

export interface DatasetsTable {
  dataset_uuid: string;
  experiment_id: number;
  name: string;
  digest: string;
  source_type: string;
  source: string;
  schema: string | null;
  profile: string | null;
}

export interface InputsTable {
  input_uuid: string;
  source_type: string;
  source_id: string;
  destination_type: string;
  destination_id: string;
}

/** A lineage arrow: `src` was used to produce `dst` (e.g. dataset version → run → model version). */
export interface LineageEdgesTable {
  src_type: string;
  src_id: string;
  dst_type: string;
  dst_id: string;
  created_at: number;
}

export interface RegisteredModelsTable {
  name: string;
  creation_time: number;
  last_updated_time: number;
  description: string;
  user_id: string;
}

export interface ModelVersionsTable {
  name: string;
  version: number;
  creation_time: number;
  last_updated_time: number;
  description: string;
  user_id: string;
  /** Legacy stage: `None` | `Staging` | `Production` | `Archived` */
  current_stage: string;
  source: string;
  run_id: string | null;
  run_link: string | null;
  /** `PENDING_REGISTRATION` | `FAILED_REGISTRATION` | `READY` */
  status: string;
  status_message: string | null;
  deleted: number;
}

export interface WebhooksTable {
  id: string;
  name: string;
  url: string;
  /** JSON array of event names. */
  events: string;
  /** HMAC signing secret. */
  secret: string;
  active: number;
  created_at: number;
}

/** One artifact file. `path` is relative to the `mlflow-artifacts:/` root, e.g. `1/<run>/artifacts/model/MLmodel`. */
export interface ArtifactsTable {
  path: string;
  /** SHA-256 of the bytes, the key in the blob store. */
  digest: string;
  /** Bytes. */
  size: number;
  created_at: number;
}

/** A Lathe dataset (see `data/`). */
export interface DataSetsTable {
  name: string;
  description: string;
  created_at: number;
  updated_at: number;
  created_by: string;
}

/** One immutable dataset version; JSON documents as text. */
export interface DataVersionsTable {
  name: string;
  version: number;
  /** SHA-256 of the Parquet blob holding the rows. */
  digest: string;
  rows: number;
  /** Bytes of the Parquet blob. */
  size: number;
  schema: string;
  profile: string;
  /** The ingest report: choices made, rows rejected, warnings. */
  report: string;
  /** Where the rows came from (never credentials). */
  source: string;
  recipe: string | null;
  message: string;
  created_at: number;
  created_by: string;
}

/** One run of a quality-check suite against a dataset version; JSON documents as text. */
export interface DataCheckRunsTable {
  id: string;
  name: string;
  version: number;
  /** `pass` | `warn` | `fail` */
  status: string;
  /** The version compared with (`name@version`), when there was one. */
  reference: string | null;
  suite: string;
  results: string;
  /** Counts of checks by status. */
  summary: string;
  rows: number;
  duration_ms: number;
  created_at: number;
  created_by: string;
}

export interface JobsTable {
  id: string;
  /** `train` | `tune` | `automl` | … */
  kind: string;
  /** `queued` | `running` | `succeeded` | `failed` | `cancelled` */
  status: string;
  /** JSON: what was asked. */
  spec: string;
  /** JSON: the last progress report. */
  progress: string | null;
  /** JSON: what the job produced. */
  result: string | null;
  /** JSON `{ code, message }` of a failed job. */
  error: string | null;
  created_by: string;
  created_at: number;
  started_at: number | null;
  ended_at: number | null;
}

/** A registered model's gate policy (JSON). */
export interface RegistryPoliciesTable {
  name: string;
  policy: string;
  updated_at: number;
  updated_by: string;
}

/** The outcome of one validation job of a model version. */
export interface ModelVersionValidationsTable {
  name: string;
  version: number;
  job_id: string;
  suite: string;
  /** `pass` | `warn` | `fail` */
  status: string;
  /** Where the report is stored (`runs:/…`), when it is. */
  report: string | null;
  created_at: number;
}

/** A reviewer's decision on a model version. */
export interface ModelVersionApprovalsTable {
  id: string;
  name: string;
  version: number;
  reviewer: string;
  /** `approve` | `reject` */
  decision: string;
  comment: string;
  created_at: number;
}

/** A serving deployment: its current spec (JSON) and revision, and runtime state (JSON). */
export interface DeploymentsTable {
  name: string;
  spec: string;
  revision: number;
  /** JSON: `{ degraded: string[] }`, the model references marked degraded by hand or by a monitor. */
  state: string;
  created_at: number;
  updated_at: number;
  updated_by: string;
}

/** Every spec a deployment had, by revision (1, 2, …); `reason`: apply, traffic, promote, rollback. */
export interface DeploymentRevisionsTable {
  name: string;
  revision: number;
  spec: string;
  reason: string;
  created_at: number;
  created_by: string;
}

/**
 * A model the inference store holds records of. `key` names its folders and segments (safe in a
 * path); `features` (JSON `[{name, kind}]`), `classes` (JSON string[]) and `baselines` (JSON, the
 * reference environments logged from dataset versions) grow as records arrive.
 */
export interface MonitoredModelsTable {
  name: string;
  key: string;
  task: string | null;
  features: string;
  classes: string;
  /** JSON string[]: the tag keys seen. */
  tags: string;
  /** JSON string[]: the model versions seen. */
  versions: string;
  retention_days: number | null;
  /** JSON `{afterDays, keep}`: segments older than `afterDays` keep a `keep` share of their rows. */
  downsample: string | null;
  baselines: string;
  created_at: number;
  updated_at: number;
}

/** A Parquet segment of the inference store (`kind`: predictions | actuals) in the blob store. */
export interface MonitoringSegmentsTable {
  id: string;
  model_key: string;
  kind: string;
  digest: string;
  rows: number;
  min_ts: number;
  max_ts: number;
  created_at: number;
}

/** Per model and UTC day (`YYYY-MM-DD`): counts of refused records, unknown and duplicate actuals. */
export interface MonitoringCountersTable {
  model: string;
  day: string;
  counter: string;
  n: number;
}

/** A monitor: its spec (JSON) and current state (`ok` | `warning` | `firing` | `no_data`). */
export interface MonitorsTable {
  name: string;
  spec: string;
  state: string;
  value: number | null;
  samples: number;
  message: string;
  evaluated_at: number | null;
  changed_at: number;
  created_at: number;
  updated_at: number;
  updated_by: string;
}

/** One evaluation of a monitor. */
export interface MonitorEvaluationsTable {
  id: string;
  monitor: string;
  at: number;
  state: string;
  value: number | null;
  samples: number;
  message: string;
}

/**
 * An alert a monitor opened (`severity`: warning | firing; `state`: open | resolved). Repeated
 * evaluations in the same state add to `evaluations` instead of opening another alert.
 */
export interface AlertsTable {
  id: string;
  monitor: string;
  model: string;
  severity: string;
  state: string;
  message: string;
  value: number | null;
  evaluations: number;
  opened_at: number;
  updated_at: number;
  resolved_at: number | null;
  acknowledged_at: number | null;
  acknowledged_by: string | null;
}
