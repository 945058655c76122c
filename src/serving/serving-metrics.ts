/**
 * Prometheus metrics of online serving, per endpoint and model version, with conventional names
 * (`_total` counters, `_seconds` histograms): requests, errors, latency (queue, compute, total),
 * batch sizes, fallbacks served, shadow comparisons and disagreements, in-flight requests, and the
 * inference log queue (written, dropped). Their series are made once and updated by a field write
 * (see core/metrics): a request touches about ten.
 */
import type { Registry } from 'prom-client';
import { FastCounter, FastGauge, FastHistogram } from '../core/index.js';

const LATENCY = [0.0005, 0.001, 0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5];

/** The serving metrics, registered in `registry`. */
export class ServingMetrics {
  readonly requests: FastCounter<'endpoint' | 'model_version' | 'outcome'>;
  readonly rows: FastCounter<'endpoint' | 'model_version'>;
  readonly errors: FastCounter<'endpoint' | 'code'>;
  readonly duration: FastHistogram<'endpoint' | 'model_version'>;
  readonly queue: FastHistogram<'model_version'>;
  readonly compute: FastHistogram<'model_version'>;
  readonly batchSize: FastHistogram<'model_version'>;
  readonly fallbacks: FastCounter<'endpoint' | 'reason'>;
  readonly shadow: FastCounter<'endpoint' | 'model_version'>;
  readonly shadowDisagreements: FastCounter<'endpoint' | 'model_version'>;
  readonly inFlight: FastGauge<'endpoint'>;
  readonly logged: FastCounter<'endpoint' | 'outcome'>;

  constructor(registry: Registry) {
    const registers = [registry];
    this.requests = new FastCounter({
      name: 'lathe_serving_requests_total',
      help: 'Prediction requests answered, by endpoint, the model version that answered and outcome (ok, or fallback when the fallback answered); refusals and failures are in lathe_serving_errors_total.',
      labelNames: ['endpoint', 'model_version', 'outcome'],
      registers,
    });
    this.rows = new FastCounter({
      name: 'lathe_serving_predictions_total',
      help: 'Rows predicted, by endpoint and model version.',
      labelNames: ['endpoint', 'model_version'],
      registers,
    });
    this.errors = new FastCounter({
      name: 'lathe_serving_errors_total',
      help: 'Prediction requests refused or failed, by endpoint and error code.',
      labelNames: ['endpoint', 'code'],
      registers,
    });
    this.duration = new FastHistogram({
      name: 'lathe_serving_request_duration_seconds',
      help: 'Time from a parsed request to its answer, by endpoint and model version.',
      labelNames: ['endpoint', 'model_version'],
      buckets: LATENCY,
      registers,
    });
    this.queue = new FastHistogram({
      name: 'lathe_serving_queue_duration_seconds',
      help: 'Time a call waited for its micro-batch, by model version.',
      labelNames: ['model_version'],
      buckets: LATENCY,
      registers,
    });
    this.compute = new FastHistogram({
      name: 'lathe_serving_compute_duration_seconds',
      help: 'Time a model took to evaluate one micro-batch, by model version.',
      labelNames: ['model_version'],
      buckets: LATENCY,
      registers,
    });
    this.batchSize = new FastHistogram({
      name: 'lathe_serving_batch_size',
      help: 'Rows per micro-batch, by model version.',
      labelNames: ['model_version'],
      buckets: [1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024],
      registers,
    });
    this.fallbacks = new FastCounter({
      name: 'lathe_serving_fallbacks_total',
      help: 'Requests the fallback answered, by endpoint and reason (error, refused, timeout, degraded).',
      labelNames: ['endpoint', 'reason'],
      registers,
    });
    this.shadow = new FastCounter({
      name: 'lathe_serving_shadow_predictions_total',
      help: 'Rows a shadow model predicted, by endpoint and shadow model version.',
      labelNames: ['endpoint', 'model_version'],
      registers,
    });
    this.shadowDisagreements = new FastCounter({
      name: 'lathe_serving_shadow_disagreements_total',
      help: 'Rows where a shadow model disagreed with the answer returned, by endpoint and shadow model version.',
      labelNames: ['endpoint', 'model_version'],
      registers,
    });
    this.inFlight = new FastGauge({
      name: 'lathe_serving_in_flight_requests',
      help: 'Prediction requests being answered now, by endpoint.',
      labelNames: ['endpoint'],
      registers,
    });
    this.logged = new FastCounter({
      name: 'lathe_serving_inference_log_records_total',
      help: 'Prediction records handed to the inference log, by endpoint and outcome (queued, dropped).',
      labelNames: ['endpoint', 'outcome'],
      registers,
    });
  }
}
