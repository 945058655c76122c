/**
 * Validation as a service: the `validate` job kind. A spec names the candidate, the test (and
 * training) data, an optional baseline and a suite; everything is checked before the job is
 * queued; the job builds the context, runs the suite and stores the report as an artifact of the
 * candidate's run (`validation/<job>/report.json`), and records the outcome with the version
 * (registry gates read it).
 */
import type { Principal } from '../auth/index.js';
import { describeValue, LatheError } from '../core/index.js';
import type { DataService } from '../data/index.js';
import type { JobContext, JobService } from '../jobs/index.js';
import type { ModelService, Predictor } from '../models/index.js';
import type { RegistryService } from '../registry/index.js';
import type { TrackingService } from '../tracking/index.js';
import type { ValidationCheck } from './check.js';
import { VALIDATION_CHECKS } from './checks/index.js';
import { buildContext, type ValidationInputs } from './context-builder.js';
import { reportToHtml } from './html-report.js';
import { runSuite, type ValidationReport } from './runner.js';
import { defaultSuite, parseSuite, type Suite } from './suite.js';

/** What a `validate` job is asked. */
export interface ValidateSpec extends ValidationInputs {
  /** A suite (object, or YAML/JSON text); the default suite of the model's task when absent. */
  suite?: unknown;
}

/** What a `validate` job answers. */
export interface ValidateResult {
  report: ValidationReport;
  /** Where the report is stored: `runs:/<run>/validation/<job>/report.json`, or null. */
  stored: string | null;
}

/** The services validation reads and writes. */
export interface ValidationDeps {
  data: DataService;
  models: ModelService;
  tracking: TrackingService;
  registry: RegistryService;
}

const known = ['model', 'test', 'train', 'production', 'baseline', 'target', 'seed', 'sampleSize', 'suite'];

function checkSpec(spec: unknown): ValidateSpec {
  if (typeof spec !== 'object' || spec === null || Array.isArray(spec))
    throw new LatheError(
      'INVALID_ARGUMENT',
      `a validate spec is an object {model, test, …}; got ${describeValue(spec)}`,
    );
  const o = spec as Record<string, unknown>;
  const unknown = Object.keys(o).filter((k) => !known.includes(k));
  if (unknown.length)
    throw new LatheError(
      'INVALID_ARGUMENT',
      `${unknown[0]} is not a validate option; valid options: ${known.join(', ')}`,
      {
        field: unknown[0],
      },
    );
  for (const k of ['model', 'test'] as const)
    if (typeof o[k] !== 'string' || !o[k])
      throw new LatheError(
        'INVALID_ARGUMENT',
        `${k} must be a non-empty string; got ${describeValue(o[k])}`,
        { field: k },
      );
  for (const k of ['train', 'production', 'baseline', 'target'] as const)
    if (o[k] !== undefined && (typeof o[k] !== 'string' || !o[k]))
      throw new LatheError(
        'INVALID_ARGUMENT',
        `${k} must be a non-empty string; got ${describeValue(o[k])}`,
        { field: k },
      );
  if (
    o['sampleSize'] !== undefined &&
    (!Number.isInteger(o['sampleSize']) || (o['sampleSize'] as number) < 100)
  )
    throw new LatheError(
      'INVALID_ARGUMENT',
      `sampleSize must be an integer ≥ 100; got ${describeValue(o['sampleSize'])}`,
      {
        field: 'sampleSize',
      },
    );
  if (o['seed'] !== undefined && !Number.isInteger(o['seed']))
    throw new LatheError('INVALID_ARGUMENT', `seed must be an integer; got ${describeValue(o['seed'])}`, {
      field: 'seed',
    });
  return o as unknown as ValidateSpec;
}

/** Refuses a dataset version lacking columns the model requires, naming them. */
function assertInputs(
  predictor: Predictor,
  data: string,
  columns: string[],
  model: string,
  field: string,
): void {
  const missing = predictor.signature.inputs
    .filter((c) => c.required && !columns.includes(c.name))
    .map((c) => c.name);
  if (missing.length)
    throw new LatheError(
      'INVALID_ARGUMENT',
      `${data} lacks the column${missing.length > 1 ? 's' : ''} ${missing.join(', ')} that ${model} reads`,
      { field },
    );
}

/** Registers the `validate` job kind and runs validations. */
export class ValidationService {
  constructor(
    private readonly deps: ValidationDeps,
    readonly jobs: JobService,
    private readonly checks: readonly ValidationCheck[] = VALIDATION_CHECKS,
  ) {
    jobs.register<ValidateSpec>('validate', {
      validate: async (spec) => {
        const checked = checkSpec(spec);
        const suite = checked.suite !== undefined ? parseSuite(checked.suite, this.checks) : null;
        // Refused now, not after queueing: unknown models and data, missing columns, bad labels.
        const { version, predictor } = await deps.models.load(checked.model);
        const ref = `${version.name}@${version.version}`;
        let testColumns: string[] = [];
        for (const data of [checked.test, ...(checked.train ? [checked.train] : [])]) {
          const v = await deps.data.version(data);
          const columns = v.columns.map((c) => c.name);
          if (data === checked.test) testColumns = columns;
          const target = checked.target ?? v.columns.find((c) => c.semantic === 'target')?.name;
          if (!target)
            throw new LatheError(
              'INVALID_ARGUMENT',
              `target is needed: ${v.ref} has no column of semantic type target; name it (--target COLUMN)`,
              { field: 'target' },
            );
          if (!columns.includes(target))
            throw new LatheError(
              'INVALID_ARGUMENT',
              `target "${target}" is not a column of ${v.ref}; its columns are ${columns.join(', ')}`,
              { field: 'target' },
            );
          assertInputs(predictor, v.ref, columns, ref, data === checked.test ? 'test' : 'train');
        }
        if (checked.production) {
          const v = await deps.data.version(checked.production);
          assertInputs(
            predictor,
            v.ref,
            v.columns.map((c) => c.name),
            ref,
            'production',
          );
        }
        // Columns the suite's parameters name (a protected attribute, a time column) must be in the test set.
        for (const entry of suite?.entries ?? []) {
          const check = this.checks.find((c) => c.name === entry.check)!;
          const absent = (check.columns?.(entry.params as never) ?? []).filter(
            (c) => !testColumns.includes(c),
          );
          if (absent.length)
            throw new LatheError(
              'INVALID_ARGUMENT',
              `check ${check.name}: ${absent.join(', ')} ${absent.length > 1 ? 'are not columns' : 'is not a column'} of ${checked.test}; its columns are ${testColumns.join(', ')}`,
              { field: `${check.name}` },
            );
        }
        if (checked.baseline) await deps.models.load(checked.baseline);
        return { ...checked, model: ref };
      },
      run: (spec, ctx) => this.#run(spec, ctx),
    });
  }

  /** Every check, for help texts and suite editors. */
  list(): {
    name: string;
    title: string;
    description: string;
    tasks: string[];
    params: Record<string, unknown>;
  }[] {
    return this.checks.map((c) => ({
      name: c.name,
      title: c.title,
      description: c.description,
      tasks: [...c.tasks],
      params: Object.fromEntries(
        Object.entries(c.params).map(([k, p]) => [k, { help: p.help, default: p.default }]),
      ),
    }));
  }

  /** Starts a validation job (checked first; see ValidateSpec). */
  start(spec: unknown, actor: Principal | null) {
    return this.jobs.start('validate', spec, actor);
  }

  async #run(spec: ValidateSpec, job: JobContext): Promise<ValidateResult> {
    job.progress({ phase: 'loading', message: `${spec.model} on ${spec.test}` });
    const { ctx, test, train, production } = await buildContext(spec, this.deps);
    const suite: Suite =
      spec.suite !== undefined ? parseSuite(spec.suite, this.checks) : defaultSuite(ctx.task, this.checks);
    const report = await runSuite(ctx, suite, this.checks, { test, train, production }, (i, total, check) => {
      if (job.signal.aborted) throw job.signal.reason ?? new Error('cancelled');
      job.progress({ phase: 'checking', done: i, total, message: check });
    });
    return { report, stored: await this.#store(report, job) };
  }

  /**
   * Stores the report on the candidate's run (when it has one) and records the outcome with the
   * version in the registry, where gates read it. Answers where the report is stored, or null.
   */
  async #store(report: ValidationReport, job: JobContext): Promise<string | null> {
    const { registry, tracking } = this.deps;
    const version = await registry.resolveModelRef(report.model);
    let stored: string | null = null;
    if (version.runId) {
      const path = `validation/${job.id}/report.json`;
      await tracking.artifacts.logArtifact(
        version.runId,
        path,
        new TextEncoder().encode(JSON.stringify(report)),
      );
      await tracking.artifacts.logArtifact(
        version.runId,
        `validation/${job.id}/report.html`,
        new TextEncoder().encode(reportToHtml(report)),
      );
      stored = `runs:/${version.runId}/${path}`;
    }
    await registry.gates.recordValidation(
      version.name,
      version.version,
      { job: job.id, suite: report.suite, status: report.status, report: stored },
      job.actor,
    );
    return stored;
  }
}
