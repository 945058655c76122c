/**
 * Registry gates: a model's policy names the aliases (e.g. `champion`) and stages (e.g.
 * `Production`) it guards, the validation suite a version must have passed and the approvals it
 * needs. Moving a guarded alias or stage to a version that does not meet the policy is refused
 * with the reasons (GATE_REFUSED). Validation outcomes are recorded here by the validation job
 * only (not through tags anyone could set); approvals record reviewer, decision and comment. Every
 * write lands in the audit log.
 */
import type { AuditLog, Principal } from '../auth/index.js';
import { describeValue, LatheError, newId } from '../core/index.js';
import type { MetaStore } from '../storage/meta/index.js';
import { type Db, modelRow, versionLineageId, versionRow } from './registry-rows.js';
import { canonicalStage, validateAlias, validateModelName, validateVersion } from './registry-validation.js';
import type { Stage } from './types.js';

/** What a model's gate requires. */
export interface GatePolicy {
  /** Aliases only versions that meet the policy may point at. */
  aliases: string[];
  /** Stages only versions that meet the policy may enter. */
  stages: Stage[];
  /** The suite whose latest validation must have passed; null: any suite, but one must have run. */
  suite: string | null;
  /** Accept a latest validation that warned (default false: only `pass`). */
  allowWarnings: boolean;
  /** Approvals needed from reviewers other than the version's creator (0..10). */
  approvals: number;
}

/** A reviewer's decision. */
export interface Approval {
  id: string;
  name: string;
  version: number;
  reviewer: string;
  decision: 'approve' | 'reject';
  comment: string;
  /** ISO 8601 UTC. */
  createdAt: string;
}

/** Where a version stands against its model's policy. */
export interface GateStatus {
  name: string;
  version: number;
  policy: GatePolicy | null;
  /** True when the policy lets the version be promoted (always true without a policy). */
  passed: boolean;
  /** Why it may not be promoted, one reason a line. */
  reasons: string[];
  /** The latest validation of the version, if any. */
  validation: { job: string; suite: string; status: string; report: string | null; createdAt: string } | null;
  approvals: { approved: string[]; rejected: { reviewer: string; comment: string }[]; needed: number };
}

function bad(field: string, message: string): LatheError {
  return new LatheError('INVALID_ARGUMENT', `policy ${field} ${message}`, { field });
}

/** Checks a policy given by a user. */
export function checkPolicy(input: unknown): GatePolicy {
  if (typeof input !== 'object' || input === null || Array.isArray(input))
    throw new LatheError(
      'INVALID_ARGUMENT',
      `a gate policy is an object {aliases, stages, suite, approvals}; got ${describeValue(input)}`,
    );
  const o = input as Record<string, unknown>;
  const known = ['aliases', 'stages', 'suite', 'allowWarnings', 'approvals'];
  const unknown = Object.keys(o).filter((k) => !known.includes(k));
  if (unknown.length) throw bad(unknown[0]!, `is not a policy field; valid fields: ${known.join(', ')}`);
  const list = (k: string) => {
    const v = o[k] ?? [];
    if (!Array.isArray(v)) throw bad(k, `must be a list; got ${describeValue(v)}`);
    return v;
  };
  const aliases = list('aliases').map((a) => validateAlias(a));
  const stages = list('stages').map((s) => canonicalStage(s));
  if (!aliases.length && !stages.length)
    throw bad('aliases', 'and stages are both empty: the policy would guard nothing');
  if (o['suite'] !== undefined && o['suite'] !== null && (typeof o['suite'] !== 'string' || !o['suite']))
    throw bad('suite', `must be a suite name or null; got ${describeValue(o['suite'])}`);
  const approvals = o['approvals'] ?? 0;
  if (typeof approvals !== 'number' || !Number.isInteger(approvals) || approvals < 0 || approvals > 10)
    throw bad('approvals', `must be an integer in 0..10; got ${describeValue(approvals)}`);
  if (o['allowWarnings'] !== undefined && typeof o['allowWarnings'] !== 'boolean')
    throw bad('allowWarnings', `must be true or false; got ${describeValue(o['allowWarnings'])}`);
  return {
    aliases,
    stages,
    suite: (o['suite'] as string | null | undefined) ?? null,
    allowWarnings: o['allowWarnings'] === true,
    approvals,
  };
}

/** Gate policies, validation outcomes and approvals of registered models. */
export class Gates {
  constructor(
    private readonly store: MetaStore,
    private readonly audit: AuditLog,
  ) {}

  /** A model's policy, or null when it has none. */
  async policy(name: unknown, db: Db = this.store.db): Promise<GatePolicy | null> {
    const n = validateModelName(name);
    const row = await db
      .selectFrom('registry_policies')
      .select('policy')
      .where('name', '=', n)
      .executeTakeFirst();
    return row ? (JSON.parse(row.policy) as GatePolicy) : null;
  }

  /** Sets (replaces) a model's policy. NOT_FOUND for an unknown model. */
  async setPolicy(name: unknown, input: unknown, actor: Principal | null): Promise<GatePolicy> {
    const n = validateModelName(name);
    const policy = checkPolicy(input);
    await this.store.transaction(async (trx) => {
      await modelRow(trx, n);
      const row = {
        name: n,
        policy: JSON.stringify(policy),
        updated_at: Date.now(),
        updated_by: actor?.userName ?? '',
      };
      await trx
        .insertInto('registry_policies')
        .values(row)
        .onConflict((oc) =>
          oc
            .column('name')
            .doUpdateSet({ policy: row.policy, updated_at: row.updated_at, updated_by: row.updated_by }),
        )
        .execute();
      await this.audit.record(
        {
          actor,
          action: 'registered_model.policy_set',
          objectType: 'registered_model',
          objectId: n,
          details: { ...policy },
        },
        trx,
      );
    });
    return policy;
  }

  /** Removes a model's policy (its aliases and stages are no longer guarded). */
  async deletePolicy(name: unknown, actor: Principal | null): Promise<void> {
    const n = validateModelName(name);
    await this.store.transaction(async (trx) => {
      await modelRow(trx, n);
      await trx.deleteFrom('registry_policies').where('name', '=', n).execute();
      await this.audit.record(
        {
          actor,
          action: 'registered_model.policy_delete',
          objectType: 'registered_model',
          objectId: n,
          details: {},
        },
        trx,
      );
    });
  }

  /** Records a validation outcome of a version (the validation job calls this). */
  async recordValidation(
    name: string,
    version: number,
    outcome: { job: string; suite: string; status: 'pass' | 'warn' | 'fail'; report: string | null },
    actor: Principal | null,
  ): Promise<void> {
    await this.store.transaction(async (trx) => {
      await versionRow(trx, name, version);
      await trx
        .insertInto('model_version_validations')
        .values({
          name,
          version,
          job_id: outcome.job,
          suite: outcome.suite,
          status: outcome.status,
          report: outcome.report,
          created_at: await nextTime(trx, 'model_version_validations', name, version),
        })
        .execute();
      await this.audit.record(
        {
          actor,
          action: 'model_version.validated',
          objectType: 'model_version',
          objectId: versionLineageId(name, version),
          details: { ...outcome },
        },
        trx,
      );
    });
  }

  /** A version's validations, newest first. */
  async validations(name: unknown, version: unknown): Promise<NonNullable<GateStatus['validation']>[]> {
    const [n, v] = [validateModelName(name), validateVersion(version)];
    await versionRow(this.store.db, n, v);
    const rows = await this.store.db
      .selectFrom('model_version_validations')
      .selectAll()
      .where('name', '=', n)
      .where('version', '=', v)
      .orderBy('created_at', 'desc')
      .execute();
    return rows.map((r) => ({
      job: r.job_id,
      suite: r.suite,
      status: r.status,
      report: r.report,
      createdAt: new Date(Number(r.created_at)).toISOString(),
    }));
  }

  /** Records a reviewer's approval or rejection of a version. */
  async review(
    name: unknown,
    version: unknown,
    decision: unknown,
    comment: unknown,
    actor: Principal | null,
  ): Promise<Approval> {
    const [n, v] = [validateModelName(name), validateVersion(version)];
    if (decision !== 'approve' && decision !== 'reject')
      throw new LatheError(
        'INVALID_ARGUMENT',
        `decision must be approve or reject; got ${describeValue(decision)}`,
        { field: 'decision' },
      );
    if (comment !== undefined && typeof comment !== 'string')
      throw new LatheError('INVALID_ARGUMENT', `comment must be text; got ${describeValue(comment)}`, {
        field: 'comment',
      });
    if (decision === 'reject' && !comment)
      throw new LatheError('INVALID_ARGUMENT', 'a rejection needs a comment saying why', {
        field: 'comment',
      });
    const approval: Approval = {
      id: newId(),
      name: n,
      version: v,
      reviewer: actor?.userName || 'anonymous',
      decision,
      comment: ((comment as string | undefined) ?? '').slice(0, 5000),
      createdAt: new Date().toISOString(),
    };
    await this.store.transaction(async (trx) => {
      await versionRow(trx, n, v);
      const at = await nextTime(trx, 'model_version_approvals', n, v);
      approval.createdAt = new Date(at).toISOString();
      await trx
        .insertInto('model_version_approvals')
        .values({
          id: approval.id,
          name: n,
          version: v,
          reviewer: approval.reviewer,
          decision,
          comment: approval.comment,
          created_at: at,
        })
        .execute();
      await this.audit.record(
        {
          actor,
          action: `model_version.${decision === 'approve' ? 'approved' : 'rejected'}`,
          objectType: 'model_version',
          objectId: versionLineageId(n, v),
          details: { comment: approval.comment },
        },
        trx,
      );
    });
    return approval;
  }

  /** A version's reviews, oldest first. */
  async reviews(name: unknown, version: unknown, db: Db = this.store.db): Promise<Approval[]> {
    const [n, v] = [validateModelName(name), validateVersion(version)];
    await versionRow(db, n, v);
    const rows = await db
      .selectFrom('model_version_approvals')
      .selectAll()
      .where('name', '=', n)
      .where('version', '=', v)
      .orderBy('created_at')
      .orderBy('id')
      .execute();
    return rows.map((r) => ({
      id: r.id,
      name: r.name,
      version: Number(r.version),
      reviewer: r.reviewer,
      decision: r.decision as Approval['decision'],
      comment: r.comment,
      createdAt: new Date(Number(r.created_at)).toISOString(),
    }));
  }

  /** Where a version stands against its model's policy. */
  async status(name: unknown, version: unknown, db: Db = this.store.db): Promise<GateStatus> {
    const [n, v] = [validateModelName(name), validateVersion(version)];
    const row = await versionRow(db, n, v);
    const policy = await this.policy(n, db);
    const last = await db
      .selectFrom('model_version_validations')
      .selectAll()
      .where('name', '=', n)
      .where('version', '=', v)
      .$if(policy?.suite !== null && policy?.suite !== undefined, (q) =>
        q.where('suite', '=', policy!.suite!),
      )
      .orderBy('created_at', 'desc')
      .limit(1)
      .executeTakeFirst();
    // The latest decision of each reviewer counts; the version's creator does not review it.
    const latest = new Map<string, Approval>();
    for (const a of await this.reviews(n, v, db)) latest.set(a.reviewer, a);
    const creator = row.user_id ?? '';
    const approved = [...latest.values()]
      .filter((a) => a.decision === 'approve' && a.reviewer !== creator)
      .map((a) => a.reviewer);
    const rejected = [...latest.values()]
      .filter((a) => a.decision === 'reject')
      .map((a) => ({ reviewer: a.reviewer, comment: a.comment }));
    const reasons: string[] = [];
    if (policy) {
      const ref = `${n}@${v}`;
      if (!last)
        reasons.push(
          policy.suite
            ? `${ref} has no validation with suite ${policy.suite}; run lathe validate --model ${ref} --suite ${policy.suite}.yaml`
            : `${ref} has not been validated; run lathe validate --model ${ref}`,
        );
      else if (last.status === 'fail')
        reasons.push(`the latest validation of ${ref} (suite ${last.suite}, job ${last.job_id}) failed`);
      else if (last.status === 'warn' && !policy.allowWarnings)
        reasons.push(
          `the latest validation of ${ref} (suite ${last.suite}, job ${last.job_id}) warned; the policy accepts only a pass`,
        );
      if (approved.length < policy.approvals)
        reasons.push(
          `${ref} has ${approved.length} of the ${policy.approvals} approval${policy.approvals > 1 ? 's' : ''} it needs${creator ? ` (its creator ${creator} does not count)` : ''}`,
        );
      for (const r of rejected) reasons.push(`${ref} was rejected by ${r.reviewer}: ${r.comment}`);
    }
    return {
      name: n,
      version: v,
      policy,
      passed: reasons.length === 0,
      reasons,
      validation: last
        ? {
            job: last.job_id,
            suite: last.suite,
            status: last.status,
            report: last.report,
            createdAt: new Date(Number(last.created_at)).toISOString(),
          }
        : null,
      approvals: { approved, rejected, needed: policy?.approvals ?? 0 },
    };
  }

  /**
   * Refuses moving `target` (an alias or a stage) of model `name` to `version` when the policy
   * guards it and the version does not meet it. Runs inside the caller's transaction.
   * @throws LatheError GATE_REFUSED listing every reason.
   */
  async assertAllowed(
    db: Db,
    name: string,
    version: number,
    target: { alias: string } | { stage: Stage },
  ): Promise<void> {
    const policy = await this.policy(name, db);
    if (!policy) return;
    const guarded =
      'alias' in target ? policy.aliases.includes(target.alias) : policy.stages.includes(target.stage);
    if (!guarded) return;
    const status = await this.status(name, version, db);
    if (status.passed) return;
    const what = 'alias' in target ? `alias ${target.alias}` : `stage ${target.stage}`;
    throw new LatheError(
      'GATE_REFUSED',
      `the policy of ${name} refuses to move ${what} to version ${version}: ${status.reasons.join('; ')}`,
      {
        reasons: status.reasons,
      },
    );
  }
}

/**
 * The time of a new row of `table` about version `name`/`version`: now, or just after the latest
 * row's when that is not earlier. The rows are ordered by time, so two written within one
 * millisecond keep the order they were written in.
 */
async function nextTime(
  db: Db,
  table: 'model_version_validations' | 'model_version_approvals',
  name: string,
  version: number,
): Promise<number> {
  const last = await db
    .selectFrom(table)
    .select((eb) => eb.fn.max('created_at').as('t'))
    .where('name', '=', name)
    .where('version', '=', version)
    .executeTakeFirst();
  return Math.max(Date.now(), Number(last?.t ?? 0) + 1);
}
