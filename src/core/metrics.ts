/**
 * Prometheus counters, gauges and histograms for hot paths. prom-client hashes the label object
 * and checks its names on every `inc` and `observe`, also through `labels()` (a few hundred
 * nanoseconds each, about ten times per served request). Here a labelled series is made once,
 * by `labels()`, and updating it is a field write. The families register in a prom-client
 * `Registry` like its own metrics and hand it the same values, so the exposition, a cluster's
 * aggregation and `/metrics` are prom-client's.
 */
import type { Registry } from 'prom-client';

type Labels<L extends string> = Partial<Record<L, string | number>>;

/** One exported value, as prom-client's registry reads it. */
interface MetricValue {
  value: number;
  labels: Record<string, string | number>;
  metricName?: string;
}

/** What a family is made from. */
export interface FamilyConfig<L extends string> {
  name: string;
  help: string;
  labelNames?: readonly L[];
  registers?: Registry[];
}

/** A metric family: its series by label values, made on first use. */
abstract class Family<L extends string, S> {
  readonly name: string;
  readonly help: string;
  abstract readonly type: 'counter' | 'gauge' | 'histogram';
  /** How a cluster's workers' values combine (see prom-client's AggregatorRegistry). */
  readonly aggregator = 'sum';
  readonly labelNames: readonly L[];
  protected series = new Map<string, { labels: Record<string, string | number>; s: S }>();

  constructor(config: FamilyConfig<L>) {
    this.name = config.name;
    this.help = config.help;
    this.labelNames = config.labelNames ?? [];
    for (const r of config.registers ?? []) r.registerMetric(this as never);
  }

  protected abstract make(): S;

  /**
   * The series of `labels` (each a label name of the family).
   * @throws Error on a label name the family does not have.
   */
  labels(labels: Labels<L> = {}): S {
    let key = '';
    let known = 0;
    for (const n of this.labelNames) {
      const v = labels[n];
      if (v !== undefined) known++;
      key += `${v ?? ''}\u0000`;
    }
    let given = 0;
    for (const _ in labels) given++;
    // More names than the family's defined ones: look for one it does not have (every call, not
    // only the one that creates the series).
    if (given !== known) this.checkNames(labels);
    let entry = this.series.get(key);
    if (!entry) {
      const kept: Record<string, string | number> = {};
      for (const n in labels) {
        const v = labels[n as L];
        if (v !== undefined) kept[n] = v;
      }
      entry = { labels: kept, s: this.make() };
      this.series.set(key, entry);
    }
    return entry.s;
  }

  private checkNames(labels: Labels<L>): void {
    for (const n in labels)
      if (!this.labelNames.includes(n as L))
        throw new Error(
          `metric ${this.name} has no label ${n}; its labels are ${this.labelNames.join(', ')}`,
        );
  }

  protected abstract values(labels: Record<string, string | number>, s: S, out: MetricValue[]): void;

  /** The family's values as prom-client's registry reads them. */
  get() {
    const values: MetricValue[] = [];
    for (const { labels, s } of this.series.values()) this.values(labels, s, values);
    return { name: this.name, help: this.help, type: this.type, values, aggregator: this.aggregator };
  }

  /** Forgets every series (prom-client's `resetMetrics`). */
  reset(): void {
    this.series.clear();
  }
}

/** A counter's series. */
export interface CounterSeries {
  inc(n?: number): void;
}

class CounterCell implements CounterSeries {
  value = 0;
  inc(n = 1): void {
    if (!(n >= 0) || !Number.isFinite(n)) throw new Error(`a counter only goes up; got ${n}`);
    this.value += n;
  }
}

/** A counter: `labels(...).inc(n)`, or `inc(labels, n)`. */
export class FastCounter<L extends string = string> extends Family<L, CounterSeries> {
  readonly type = 'counter';
  protected make(): CounterSeries {
    return new CounterCell();
  }
  inc(labels?: Labels<L>, n = 1): void {
    this.labels(labels).inc(n);
  }
  protected values(labels: Record<string, string | number>, s: CounterSeries, out: MetricValue[]): void {
    out.push({ value: (s as CounterCell).value, labels });
  }
}

/** A gauge's series. */
export interface GaugeSeries {
  inc(n?: number): void;
  dec(n?: number): void;
  set(v: number): void;
}

class GaugeCell implements GaugeSeries {
  value = 0;
  inc(n = 1): void {
    this.value += n;
  }
  dec(n = 1): void {
    this.value -= n;
  }
  set(v: number): void {
    this.value = v;
  }
}

/** A gauge: `labels(...).inc()`, `.dec()`, `.set(v)`. */
export class FastGauge<L extends string = string> extends Family<L, GaugeSeries> {
  readonly type = 'gauge';
  protected make(): GaugeSeries {
    return new GaugeCell();
  }
  protected values(labels: Record<string, string | number>, s: GaugeSeries, out: MetricValue[]): void {
    out.push({ value: (s as GaugeCell).value, labels });
  }
}

/** A histogram's series. */
export interface HistogramSeries {
  observe(v: number): void;
}

class HistogramCell implements HistogramSeries {
  readonly counts: Float64Array;
  sum = 0;
  count = 0;
  constructor(private readonly bounds: Float64Array) {
    this.counts = new Float64Array(bounds.length);
  }
  observe(v: number): void {
    if (!Number.isFinite(v)) throw new Error(`a histogram observes finite numbers; got ${v}`);
    const b = this.bounds;
    let i = 0;
    while (i < b.length && v > b[i]!) i++;
    if (i < b.length) this.counts[i]!++;
    this.sum += v;
    this.count++;
  }
}

/** A histogram over `buckets` (upper bounds, ascending; `+Inf` is implied). */
export class FastHistogram<L extends string = string> extends Family<L, HistogramSeries> {
  readonly type = 'histogram';
  readonly #bounds: Float64Array;

  constructor(config: FamilyConfig<L> & { buckets: readonly number[] }) {
    super(config);
    this.#bounds = Float64Array.from(config.buckets);
    for (let i = 1; i < this.#bounds.length; i++)
      if (!(this.#bounds[i]! > this.#bounds[i - 1]!))
        throw new Error(`metric ${this.name}: buckets must ascend; got ${config.buckets.join(', ')}`);
  }

  protected make(): HistogramSeries {
    return new HistogramCell(this.#bounds);
  }

  observe(labels: Labels<L>, v: number): void {
    this.labels(labels).observe(v);
  }

  protected values(labels: Record<string, string | number>, s: HistogramSeries, out: MetricValue[]): void {
    const h = s as HistogramCell;
    const bucket = `${this.name}_bucket`;
    let acc = 0;
    for (let i = 0; i < this.#bounds.length; i++) {
      acc += h.counts[i]!;
      out.push({ value: acc, labels: { le: this.#bounds[i]!, ...labels }, metricName: bucket });
    }
    out.push({ value: h.count, labels: { le: '+Inf', ...labels }, metricName: bucket });
    out.push({ value: h.sum, labels, metricName: `${this.name}_sum` });
    out.push({ value: h.count, labels, metricName: `${this.name}_count` });
  }
}
