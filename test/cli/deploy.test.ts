import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { LatheClient } from '../../src/sdk/index.js';
import { assertExit, type CliServer, startCliServer } from '../support/cli-server.js';

const xgb = readFileSync(new URL('../fixtures/models/xgboost/binary.json', import.meta.url));
const row = { age: 1, income: 2, score: 0.5, tenure: 3, visits: 1 };

describe('lathe deploy against a running server, and predictions through the SDK', { concurrency: 1 }, () => {
  let t: CliServer;
  let sdk: LatheClient;
  const lathe = (args: string[]) => t.lathe(args);

  before(async () => {
    t = await startCliServer();
    sdk = new LatheClient({ url: t.server.url, token: t.server.adminToken });
    for (let i = 0; i < 2; i++)
      await sdk.models.importModel('churn', new Uint8Array(xgb), { filename: 'model.json' });
    await sdk.registry.setAlias('churn', 'champion', 1);
    writeFileSync(
      path.join(t.dir, 'churn.yaml'),
      'name: churn\nmodels:\n  - model: churn@champion\n    traffic: 90\n  - model: churn@2\n    traffic: 10\nfallback: churn@1\n',
    );
    writeFileSync(
      path.join(t.dir, 'bad.yaml'),
      'name: churn\nmodels:\n  - model: churn@1\n    traffic: 50\n',
    );
  });
  after(() => t?.stop());

  it('applies a spec, lists and shows it, predicts through the SDK', async () => {
    const applied = await lathe(['deploy', 'apply', 'churn.yaml']);
    assertExit(applied, 0);
    assert.match(applied.stdout, /^applied churn: revision 1$/m);
    assert.match(applied.stdout, /route +churn@champion → churn@1 +90%/);
    assert.match(applied.stdout, /fallback +churn@1 → churn@1 +on errors/);
    const again = await lathe(['deploy', 'apply', 'churn.yaml']);
    assert.match(again.stdout, /^churn unchanged \(revision 1\)$/m);
    const ls = await lathe(['deploy', 'ls']);
    assertExit(ls, 0);
    assert.match(ls.stdout, /^churn +ready +1 +churn@champion\(churn@1\)=90% churn@2=10% +churn@1 /m);
    const answer = await sdk.serving.predict('churn', [row]);
    assert.match(answer.model, /^churn@[12]$/);
    assert.equal(answer.predictionIds.length, 1);
    assert.equal(answer.probabilities![0]!.length, 2);
  });

  it('changes traffic, promotes, rolls back and shows the history; refuses bad input (exit 1, usage errors 2)', async () => {
    const traffic = await lathe(['deploy', 'traffic', 'churn', 'v1=50', 'v2=50']);
    assertExit(traffic, 0);
    assert.match(traffic.stdout, /^churn revision 2: churn@champion\(churn@1\)=50% churn@2=50%$/m);
    assertExit(await lathe(['deploy', 'promote', 'churn']), 0);
    const rolled = await lathe(['deploy', 'rollback', 'churn']);
    assert.match(rolled.stdout, /^churn revision 4: .*=50% .*=50%$/m);
    const history = await lathe(['deploy', 'history', 'churn']);
    assert.match(history.stdout, /^4 +rollback /m);
    assert.match(history.stdout, /^1 +apply /m);
    const bad = await lathe(['deploy', 'apply', 'bad.yaml']);
    assertExit(bad, 1);
    assert.match(bad.stderr, /traffic must sum to 100; got churn@1=50 = 50/);
    const badShare = await lathe(['deploy', 'traffic', 'churn', 'v1:50']);
    assertExit(badShare, 2);
    assert.match(badShare.stderr, /expected VERSION=PERCENT/);
    const missing = await lathe(['deploy', 'show', 'nope']);
    assertExit(missing, 1);
    assert.match(missing.stderr, /no deployment named "nope"; deployments: churn/);
    assertExit(await lathe(['deploy', 'delete', 'churn']), 0);
    assert.match(
      (await lathe(['deploy', 'ls'])).stdout,
      /no deployments; create one with: lathe deploy apply spec\.yaml/,
    );
  });
});
