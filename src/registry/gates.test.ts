import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { AuditLog, localPrincipal, type Principal } from '../auth/index.js';
import { LatheError } from '../core/index.js';
import { openBlobStore } from '../storage/blobs/index.js';
import { type MetaStore, openMetaStore } from '../storage/meta/index.js';
import { TrackingService } from '../tracking/index.js';
import { RegistryService } from './registry-service.js';

const as = (name: string): Principal => ({ ...localPrincipal, userId: name, userName: name });
const alice = as('alice');
const bob = as('bob');
const carol = as('carol');

const refused = (pattern: RegExp) => (err: unknown) => {
  assert.ok(err instanceof LatheError, String(err));
  assert.equal(err.code, 'GATE_REFUSED', err.message);
  assert.match(err.message, pattern);
  return true;
};

describe('registry gates', () => {
  let dir: string;
  let meta: MetaStore;
  let audit: AuditLog;
  let reg: RegistryService;

  before(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'lathe-gates-'));
    meta = await openMetaStore(`sqlite:${path.join(dir, 'lathe.db')}`);
    audit = new AuditLog(meta);
    const tracking = new TrackingService(meta, await openBlobStore(`file:${path.join(dir, 'blobs')}`), audit);
    reg = new RegistryService(meta, audit, tracking);
    await reg.models.create({ name: 'churn' }, alice);
    for (let i = 0; i < 3; i++) await reg.versions.create({ name: 'churn', source: `s3://m/${i}` }, alice);
  });
  after(async () => {
    await reg.webhooks.idle();
    await meta.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('guards nothing without a policy', async () => {
    await reg.models.setAlias('churn', 'champion', 1, alice);
    const g = await reg.gates.status('churn', 1);
    assert.equal(g.passed, true);
    assert.equal(g.policy, null);
  });

  it('refuses to move a guarded alias or stage to a version that was not validated or approved, with the reasons', async () => {
    await reg.gates.setPolicy(
      'churn',
      { aliases: ['champion'], stages: ['production'], suite: 'release', approvals: 1 },
      alice,
    );
    assert.deepEqual(await reg.gates.policy('churn'), {
      aliases: ['champion'],
      stages: ['Production'],
      suite: 'release',
      allowWarnings: false,
      approvals: 1,
    });
    await assert.rejects(
      reg.models.setAlias('churn', 'champion', 2, alice),
      refused(
        /refuses to move alias champion to version 2: churn@2 has no validation with suite release; .*churn@2 has 0 of the 1 approval it needs/,
      ),
    );
    await assert.rejects(
      reg.versions.transitionStage('churn', 2, 'Production', false, alice),
      refused(/stage Production to version 2/),
    );
    // Not guarded: another alias, another stage.
    await reg.models.setAlias('churn', 'challenger', 2, alice);
    await reg.versions.transitionStage('churn', 2, 'Staging', false, alice);
    // The refused move changed nothing.
    assert.equal((await reg.resolveModelRef('churn@champion')).version, 1);
  });

  it('needs the latest validation of the named suite to pass, and approvals from others than the creator', async () => {
    await reg.gates.recordValidation(
      'churn',
      2,
      { job: 'job_a', suite: 'release', status: 'fail', report: null },
      null,
    );
    await assert.rejects(
      reg.models.setAlias('churn', 'champion', 2, alice),
      refused(/latest validation of churn@2 \(suite release, job job_a\) failed/),
    );
    await reg.gates.recordValidation(
      'churn',
      2,
      { job: 'job_b', suite: 'quick', status: 'pass', report: null },
      null,
    );
    await assert.rejects(
      reg.models.setAlias('churn', 'champion', 2, alice),
      refused(/failed/),
      'another suite does not count',
    );
    await reg.gates.recordValidation(
      'churn',
      2,
      { job: 'job_c', suite: 'release', status: 'warn', report: null },
      null,
    );
    await assert.rejects(
      reg.models.setAlias('churn', 'champion', 2, alice),
      refused(/warned; the policy accepts only a pass/),
    );
    await reg.gates.recordValidation(
      'churn',
      2,
      { job: 'job_d', suite: 'release', status: 'pass', report: 'runs:/r/v.json' },
      null,
    );
    await reg.gates.review('churn', 2, 'approve', 'my own work', alice);
    await assert.rejects(
      reg.models.setAlias('churn', 'champion', 2, alice),
      refused(/churn@2 has 0 of the 1 approval it needs \(its creator alice does not count\)/),
    );
    await reg.gates.review('churn', 2, 'approve', 'checked the slices', bob);
    const g = await reg.gates.status('churn', 2);
    assert.equal(g.passed, true, g.reasons.join('; '));
    assert.deepEqual(g.validation?.job, 'job_d');
    assert.deepEqual(g.approvals.approved, ['bob']);
    await reg.models.setAlias('churn', 'champion', 2, bob);
    await reg.versions.transitionStage('churn', 2, 'Production', false, bob);
    assert.equal((await reg.resolveModelRef('churn@champion')).version, 2);
  });

  it('takes the validation recorded last as the latest, even within one millisecond', async (t) => {
    t.mock.method(Date, 'now', () => 1_800_000_000_000);
    await reg.gates.recordValidation(
      'churn',
      3,
      { job: 'job_x', suite: 'release', status: 'fail', report: null },
      null,
    );
    await reg.gates.recordValidation(
      'churn',
      3,
      { job: 'job_y', suite: 'release', status: 'pass', report: null },
      null,
    );
    const [newest, older] = await reg.gates.validations('churn', 3);
    assert.deepEqual([newest?.job, older?.job], ['job_y', 'job_x']);
    assert.equal((await reg.gates.status('churn', 3)).validation?.job, 'job_y');
  });

  it('refuses a version a reviewer rejected until they approve it, and records every decision in the audit log', async () => {
    await reg.gates.recordValidation(
      'churn',
      3,
      { job: 'job_e', suite: 'release', status: 'pass', report: null },
      null,
    );
    await reg.gates.review('churn', 3, 'approve', '', bob);
    await reg.gates.review('churn', 3, 'reject', 'fails on the east region', carol);
    await assert.rejects(
      reg.models.setAlias('churn', 'champion', 3, bob),
      refused(/churn@3 was rejected by carol: fails on the east region/),
    );
    await reg.gates.review('churn', 3, 'approve', 'fixed upstream', carol);
    await reg.models.setAlias('churn', 'champion', 3, bob);
    const events = (await reg.auditTrail('churn', { limit: 100 })).events.map((e) => e.action);
    for (const action of [
      'registered_model.policy_set',
      'model_version.validated',
      'model_version.approved',
      'model_version.rejected',
    ])
      assert.ok(events.includes(action), action);
    assert.deepEqual(
      (await reg.gates.reviews('churn', 3)).map((r) => [r.reviewer, r.decision]),
      [
        ['bob', 'approve'],
        ['carol', 'reject'],
        ['carol', 'approve'],
      ],
    );
  });

  it('refuses bad policies and reviews, and a policy can be removed', async () => {
    await assert.rejects(reg.gates.setPolicy('churn', { aliases: [], stages: [] }, alice), /guard nothing/);
    await assert.rejects(
      reg.gates.setPolicy('churn', { aliases: ['champion'], approvals: 11 }, alice),
      /approvals must be an integer in 0\.\.10; got the number 11/,
    );
    await assert.rejects(
      reg.gates.setPolicy('churn', { aliases: ['champion'], reviewers: 2 }, alice),
      /reviewers is not a policy field; valid fields: aliases/,
    );
    await assert.rejects(reg.gates.setPolicy('nope', { aliases: ['champion'] }, alice), /nope/);
    await assert.rejects(
      reg.gates.review('churn', 1, 'maybe', '', bob),
      /decision must be approve or reject; got the string "maybe"/,
    );
    await assert.rejects(reg.gates.review('churn', 1, 'reject', '', bob), /a rejection needs a comment/);
    await reg.gates.deletePolicy('churn', alice);
    await reg.models.setAlias('churn', 'champion', 1, alice);
  });
});
