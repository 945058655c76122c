import type {
  ActualsResult,
  Alert,
  BaselineInput,
  BaselineResult,
  Downsample,
  QualityReport,
  RetentionResult,
  AppliedMonitor,
  DriftReport,
  EvaluationResult,
  ExplanationSample,
  FeatureKind,
  ImportanceDrift,
  IngestResult,
  MonitorEvaluation,
  MonitorStatus,
  PerformanceReport,
  PredictionExplanation,
  PredictionLookup,
  RootCause,
  TrafficBucket,
} from '../monitoring/index.js';
import { enc, type Query, type Transport } from './transport.js';

export type {
  ActualsResult,
  Alert,
  BaselineInput,
  BaselineResult,
  Downsample,
  FeatureQuality,
  QualityReport,
  AppliedMonitor,
  DriftReport,
  EvaluationResult,
  ExplanationSample,
  FeatureDrift,
  FeatureValue,
  ImportanceDrift,
  IngestResult,
  MonitorEvaluation,
  MonitorSpec,
  MonitorStatus,
  PerformanceGroup,
  PerformanceReport,
  PredictionExplanation,
  PredictionLookup,
  RecordError,
  RetentionResult,
  RootCause,
  SliceContribution,
  TrafficBucket,
} from '../monitoring/index.js';

/** A prediction record as logged (see docs/monitoring.md); `environment` defaults to production. */
export interface PredictionInput {
  predictionId: string;
  model: string;
  modelVersion?: string | number;
  environment?: string;
  /** Epoch ms or ISO 8601; default: when the server receives it. */
  timestamp?: number | string;
  features: Record<string, number | string | boolean | null>;
  prediction: number | string | boolean;
  probabilities?: Record<string, number> | number[];
  tags?: Record<string, string | number | boolean>;
  latencyMs?: number;
  endpoint?: string;
  shap?: Record<string, number>;
}

/** An actual (ground truth) for a logged prediction. */
export interface ActualInput {
  predictionId: string;
  actual: number | string | boolean;
  timestamp?: number | string;
}

/**
 * Which records a query reads: `window` (30m, 1h, 7d) ending at `to` (default now) or `from`/`to`
 * (ISO 8601, epoch ms, or -7d), a model version, and slice filters (`{ region: 'eu' }`).
 */
export interface WindowOptions {
  window?: string;
  from?: string;
  to?: string;
  version?: string;
  where?: Record<string, string | number | boolean>;
}

/** A comparison: `baseline` an environment (default training) or `previous`; `current` an environment. */
export interface CompareOptions extends WindowOptions {
  baseline?: string;
  current?: string;
}

/** A monitored model's status. */
export interface MonitoredModelStatus {
  model: {
    name: string;
    task: 'classification' | 'regression' | null;
    features: { name: string; kind: FeatureKind }[];
    classes: string[];
    tags: string[];
    versions: string[];
    retentionDays: number | null;
    baselines: {
      environment: string;
      dataset: string;
      rows: number;
      target: string | null;
      loggedAt: number;
    }[];
    createdAt: string;
  };
  environments: {
    environment: string;
    rows: number;
    labeled: number;
    coverage: number;
    last24h: number;
    first: string | null;
    last: string | null;
    versions: { version: string; rows: number; labeled: number }[];
  }[];
  counters: Record<string, number>;
}

function windowQuery(model: string, o: WindowOptions = {}): Query {
  const { where, ...rest } = o as WindowOptions & Record<string, unknown>;
  const q: Query = { model };
  for (const [k, v] of Object.entries(rest))
    if (v !== undefined && v !== null) q[k] = v as string | number | boolean;
  if (where) q.where = Object.entries(where).map(([k, v]) => `${k}=${v}`);
  return q;
}

/**
 * The inference store and monitors: log predictions and actuals from any server, and read drift,
 * performance, quality, explanations and root causes; apply monitors and read alerts.
 */
export class MonitoringClient {
  constructor(private readonly t: Transport) {}

  /** Logs prediction records (at most 100,000 per call); bad records are reported, the others stored. */
  logPredictions(records: PredictionInput[]): Promise<IngestResult> {
    return this.t.request('POST', '/api/v1/monitoring/predictions', { records });
  }

  /** Logs actuals by prediction ID; unknown IDs are counted, the last actual of an ID wins. */
  logActuals(records: ActualInput[]): Promise<ActualsResult> {
    return this.t.request('POST', '/api/v1/monitoring/actuals', { records });
  }

  async models(): Promise<
    {
      name: string;
      task: string | null;
      features: number;
      versions: string[];
      tags: string[];
      createdAt: string;
    }[]
  > {
    return (await this.t.request<{ models: never[] }>('GET', '/api/v1/monitoring/models')).models;
  }

  status(model: string): Promise<MonitoredModelStatus> {
    return this.t.request('GET', `/api/v1/monitoring/models/${enc(model)}`);
  }

  drift(
    model: string,
    o: CompareOptions & { features?: string[]; sampleSize?: number } = {},
  ): Promise<DriftReport> {
    const { features, ...rest } = o;
    return this.t.request('GET', '/api/v1/monitoring/drift', undefined, {
      ...windowQuery(model, rest),
      ...(features ? { features: features.join(',') } : {}),
    });
  }

  /** Drift per feature per time bucket (a heatmap); default the last 7d by day. */
  driftSeries(
    model: string,
    o: CompareOptions & { bucket?: string } = {},
  ): Promise<{
    model: string;
    features: string[];
    bucketMs: number;
    buckets: {
      from: number;
      to: number;
      rows: number;
      driftShare: number | null;
      features: { feature: string; psi: number | null; drifted: boolean }[];
      prediction: { psi: number | null; drifted: boolean } | null;
    }[];
  }> {
    return this.t.request('GET', '/api/v1/monitoring/drift/series', undefined, windowQuery(model, o));
  }

  performance(
    model: string,
    o: WindowOptions & { environment?: string; by?: string; bucket?: string } = {},
  ): Promise<PerformanceReport> {
    return this.t.request('GET', '/api/v1/monitoring/performance', undefined, windowQuery(model, o));
  }

  async traffic(
    model: string,
    o: WindowOptions & { environment?: string; bucket?: string } = {},
  ): Promise<TrafficBucket[]> {
    return (
      await this.t.request<{ buckets: TrafficBucket[] }>(
        'GET',
        '/api/v1/monitoring/traffic',
        undefined,
        windowQuery(model, o),
      )
    ).buckets;
  }

  quality(model: string, o: CompareOptions = {}): Promise<QualityReport> {
    return this.t.request('GET', '/api/v1/monitoring/quality', undefined, windowQuery(model, o));
  }

  /** What changed and where between the previous window and the current one (default 1d). */
  rootCause(model: string, o: CompareOptions & { metric?: string } = {}): Promise<RootCause> {
    return this.t.request('GET', '/api/v1/monitoring/root-cause', undefined, windowQuery(model, o));
  }

  explanations(
    model: string,
    o: WindowOptions & { environment?: string; sampleSize?: number } = {},
  ): Promise<ExplanationSample> {
    return this.t.request('GET', '/api/v1/monitoring/explanations', undefined, windowQuery(model, o));
  }

  importanceDrift(model: string, o: CompareOptions & { sampleSize?: number } = {}): Promise<ImportanceDrift> {
    return this.t.request('GET', '/api/v1/monitoring/explanations/drift', undefined, windowQuery(model, o));
  }

  prediction(id: string): Promise<PredictionLookup> {
    return this.t.request('GET', `/api/v1/monitoring/predictions/${enc(id)}`);
  }

  explainPrediction(id: string): Promise<PredictionExplanation> {
    return this.t.request('GET', `/api/v1/monitoring/predictions/${enc(id)}/explanation`);
  }

  /** Logs a dataset version as a reference environment (default training) of the model. */
  logBaseline(
    model: string,
    body: Omit<BaselineInput, 'environment'> & { environment?: string },
  ): Promise<BaselineResult> {
    return this.t.request('POST', `/api/v1/monitoring/models/${enc(model)}/baselines`, body);
  }

  /** Keeps records `days` days (null: forever); `downsample` thins older ones to a share. */
  setRetention(
    model: string,
    days: number | null,
    downsample: Downsample | null = null,
  ): Promise<RetentionResult> {
    return this.t.request('PUT', `/api/v1/monitoring/models/${enc(model)}/retention`, { days, downsample });
  }

  /** Applies monitor specs (objects, or YAML/JSON text): all or nothing. */
  applyMonitors(specs: object | object[] | string): Promise<{ monitors: AppliedMonitor[] }> {
    if (typeof specs === 'string')
      return this.t.upload(
        '/api/v1/monitors',
        new TextEncoder().encode(specs),
        undefined,
        'application/yaml',
      );
    return this.t.request('POST', '/api/v1/monitors', specs);
  }

  async monitors(): Promise<MonitorStatus[]> {
    return (await this.t.request<{ monitors: MonitorStatus[] }>('GET', '/api/v1/monitors')).monitors;
  }

  monitor(name: string): Promise<MonitorStatus> {
    return this.t.request('GET', `/api/v1/monitors/${enc(name)}`);
  }

  async deleteMonitor(name: string): Promise<void> {
    await this.t.request('DELETE', `/api/v1/monitors/${enc(name)}`);
  }

  evaluate(name: string): Promise<EvaluationResult> {
    return this.t.request('POST', `/api/v1/monitors/${enc(name)}/evaluate`);
  }

  async evaluateAll(): Promise<EvaluationResult[]> {
    return (await this.t.request<{ results: EvaluationResult[] }>('POST', '/api/v1/monitors/evaluate'))
      .results;
  }

  async history(name: string, limit?: number): Promise<MonitorEvaluation[]> {
    return (
      await this.t.request<{ evaluations: MonitorEvaluation[] }>(
        'GET',
        `/api/v1/monitors/${enc(name)}/history`,
        undefined,
        limit ? { limit } : undefined,
      )
    ).evaluations;
  }

  async alerts(o: { state?: 'open' | 'resolved'; monitor?: string; limit?: number } = {}): Promise<Alert[]> {
    return (await this.t.request<{ alerts: Alert[] }>('GET', '/api/v1/alerts', undefined, o)).alerts;
  }

  acknowledge(id: string): Promise<Alert> {
    return this.t.request('POST', `/api/v1/alerts/${enc(id)}/acknowledge`);
  }
}
