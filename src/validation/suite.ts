/**
 * Validation suites: which checks run, with which parameters and thresholds, and which must pass.
 * Written in YAML or JSON:
 *
 * ```yaml
 * name: churn release
 * checks:
 *   - check: performance
 *     params: { fail: 0.75 }
 *   - check: slices
 *   - check: fairness
 *     params: { attribute: gender }
 *     required: false        # a failure warns, it does not block
 * ```
 *
 * Every check is required unless it says `required: false`. Parsing checks every name and every
 * parameter before anything runs.
 */
import { parse as parseYaml } from 'yaml';
import { describeValue, LatheError } from '../core/index.js';
import type { ValidationCheck, ValidationTask } from './check.js';

/** One check of a suite, its parameters read and defaults filled. */
export interface SuiteEntry {
  check: string;
  params: Record<string, unknown>;
  /** A required check that fails (or errors) fails the suite; others only warn. */
  required: boolean;
}

/** A parsed suite. */
export interface Suite {
  name: string;
  entries: SuiteEntry[];
}

function bad(message: string, field?: string): LatheError {
  return new LatheError('INVALID_ARGUMENT', `suite: ${message}`, field ? { field } : {});
}

/**
 * Parses a suite (YAML or JSON text, or an object) against the known checks.
 * @throws LatheError INVALID_ARGUMENT for text that is not YAML, an unknown check (listing the
 *   valid ones), an unknown parameter or a bad threshold (naming the check and parameter).
 */
export function parseSuite(input: unknown, checks: readonly ValidationCheck[]): Suite {
  let doc = input;
  if (typeof input === 'string') {
    try {
      doc = parseYaml(input);
    } catch (err) {
      throw bad(`not valid YAML or JSON: ${(err as Error).message}`);
    }
  }
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc))
    throw bad(`expected an object with a checks list; got ${describeValue(doc)}`);
  const o = doc as Record<string, unknown>;
  const extra = Object.keys(o).filter((k) => k !== 'name' && k !== 'checks');
  if (extra.length) throw bad(`unknown field ${extra[0]}; a suite has name and checks`, extra[0]);
  if (o['name'] !== undefined && typeof o['name'] !== 'string')
    throw bad(`name must be a string; got ${describeValue(o['name'])}`, 'name');
  if (!Array.isArray(o['checks']) || o['checks'].length === 0)
    throw bad(`checks must be a non-empty list; got ${describeValue(o['checks'])}`, 'checks');
  const byName = new Map(checks.map((c) => [c.name, c]));
  const entries = o['checks'].map((raw, i): SuiteEntry => {
    const item = typeof raw === 'string' ? { check: raw } : raw;
    if (typeof item !== 'object' || item === null || Array.isArray(item))
      throw bad(`checks[${i}] must be a check name or {check, params, required}; got ${describeValue(raw)}`);
    const e = item as Record<string, unknown>;
    const unknown = Object.keys(e).filter((k) => !['check', 'params', 'required'].includes(k));
    if (unknown.length)
      throw bad(`checks[${i}]: unknown field ${unknown[0]}; an entry has check, params, required`);
    const check = byName.get(e['check'] as string);
    if (!check)
      throw bad(
        `checks[${i}]: unknown check ${typeof e['check'] === 'string' ? JSON.stringify(e['check']) : describeValue(e['check'])}; valid checks: ${checks.map((c) => c.name).join(', ')}`,
        `checks[${i}].check`,
      );
    if (e['required'] !== undefined && typeof e['required'] !== 'boolean')
      throw bad(`checks[${i}]: required must be true or false; got ${describeValue(e['required'])}`);
    const params = check.parseParams((e['params'] ?? {}) as Record<string, unknown>);
    return { check: check.name, params, required: e['required'] !== false };
  });
  return { name: typeof o['name'] === 'string' ? o['name'] : 'custom', entries };
}

/**
 * The default suite of a task: every check that applies to it and runs on its defaults (checks
 * that need a parameter, such as fairness's protected attribute, run only when a suite names them).
 */
export function defaultSuite(task: ValidationTask, checks: readonly ValidationCheck[]): Suite {
  const entries: SuiteEntry[] = [];
  for (const c of checks) {
    if (!c.tasks.includes(task)) continue;
    try {
      entries.push({ check: c.name, params: c.parseParams({}), required: true });
    } catch {
      // Needs a parameter no default can give.
    }
  }
  return { name: `default ${task}`, entries };
}
