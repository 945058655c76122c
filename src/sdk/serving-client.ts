import type {
  DeploymentRevision,
  DeploymentStatus,
  FallbackReason,
  LivePoint,
  ShadowReport,
} from '../serving/index.js';
import { enc, type Transport } from './transport.js';

export type {
  Combiner,
  Condition,
  DeploymentRevision,
  DeploymentSpec,
  DeploymentStatus,
  FallbackReason,
  GraphSpec,
  LivePoint,
  ModelRoute,
  ShadowReport,
  ShadowRoute,
} from '../serving/index.js';

/** A deployment as `apply` answers it: `changed` is false when the spec equals the current one. */
export type AppliedDeployment = DeploymentStatus & { changed: boolean };

/** What an endpoint answers. */
export interface EndpointPrediction {
  /** The request's ID (`X-Request-Id`). */
  id: string;
  endpoint: string;
  /** The version that answered (`name@version`), its number, and the spec reference that led to it. */
  model: string;
  modelVersion: string;
  ref: string;
  /** Labels (classifiers) or values per row; null where the model answered NaN. */
  predictions: (string | number | boolean | null)[];
  probabilities?: number[][];
  classes?: (string | number | boolean)[];
  /** One ID per row: the key to join ground truth later. */
  predictionIds: string[];
  /** Set when the fallback answered, and why. */
  fallback: { reason: FallbackReason; primary: string; message: string } | null;
  warnings?: string[];
}

/** Deployments (apply, list, traffic, promote, rollback…) and online predictions through endpoints. */
export class ServingClient {
  constructor(private readonly t: Transport) {}

  /** Applies a spec (an object, or YAML/JSON text): creates the deployment or stores its next revision. */
  apply(spec: object | string): Promise<AppliedDeployment> {
    if (typeof spec === 'string')
      return this.t.upload(
        '/api/v1/deployments',
        new TextEncoder().encode(spec),
        undefined,
        'application/yaml',
      );
    return this.t.request('POST', '/api/v1/deployments', spec);
  }

  async list(): Promise<DeploymentStatus[]> {
    return (await this.t.request<{ deployments: DeploymentStatus[] }>('GET', '/api/v1/deployments'))
      .deployments;
  }

  get(name: string): Promise<DeploymentStatus> {
    return this.t.request('GET', `/api/v1/deployments/${enc(name)}`);
  }

  async delete(name: string): Promise<void> {
    await this.t.request('DELETE', `/api/v1/deployments/${enc(name)}`);
  }

  async revisions(name: string): Promise<DeploymentRevision[]> {
    return (
      await this.t.request<{ revisions: DeploymentRevision[] }>(
        'GET',
        `/api/v1/deployments/${enc(name)}/revisions`,
      )
    ).revisions;
  }

  /** Sets traffic shares: `{ v7: 90, v8: 10 }` or by model reference; routes not named leave the split. */
  traffic(name: string, shares: Record<string, number>): Promise<AppliedDeployment> {
    return this.t.request('PUT', `/api/v1/deployments/${enc(name)}/traffic`, { shares });
  }

  /** Sends all traffic to the canary (the route with the smallest share). */
  promote(name: string): Promise<AppliedDeployment> {
    return this.t.request('POST', `/api/v1/deployments/${enc(name)}/promote`);
  }

  /** Re-applies the revision before the current one (or `revision`). */
  rollback(name: string, revision?: number): Promise<AppliedDeployment> {
    return this.t.request('POST', `/api/v1/deployments/${enc(name)}/rollback`, revision ? { revision } : {});
  }

  /** Marks model references degraded (the fallback answers for them); `[]` clears them. */
  degraded(name: string, models: string[]): Promise<DeploymentStatus> {
    return this.t.request('PUT', `/api/v1/deployments/${enc(name)}/degraded`, { models });
  }

  async shadow(name: string): Promise<ShadowReport[]> {
    return (
      await this.t.request<{ shadows: ShadowReport[] }>('GET', `/api/v1/deployments/${enc(name)}/shadow`)
    ).shadows;
  }

  /** The last `seconds` (≤ 300) of traffic, one point per second. */
  live(name: string, seconds?: number): Promise<{ points: LivePoint[]; log: Record<string, number> | null }> {
    return this.t.request(
      'GET',
      `/api/v1/deployments/${enc(name)}/live`,
      undefined,
      seconds ? { seconds } : undefined,
    );
  }

  /**
   * Predicts rows (objects keyed by column) through an endpoint: the answer names the version that
   * answered and carries one prediction ID per row.
   */
  predict(endpoint: string, rows: Record<string, unknown>[]): Promise<EndpointPrediction> {
    return this.t.request('POST', `/api/v1/endpoints/${enc(endpoint)}/predict`, rows);
  }
}
