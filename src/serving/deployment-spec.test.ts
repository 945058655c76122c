import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseDeploymentSpec, specModelRefs } from './deployment-spec.js';

describe('deployment specs', () => {
  it('fills defaults, reads YAML, and survives a round trip', () => {
    const spec = parseDeploymentSpec('name: churn\nmodels: [churn@champion]\nfallback: churn@3\n');
    assert.deepEqual(spec.models, [{ model: 'churn@champion', traffic: 100 }]);
    assert.deepEqual(spec.batching, { maxBatchSize: 256, maxWaitMs: 2 });
    assert.deepEqual(spec.logging, { enabled: true, capacity: 100_000, policy: 'drop' });
    assert.equal(spec.allowUngated, false);
    assert.deepEqual(parseDeploymentSpec(JSON.parse(JSON.stringify(spec))), spec);
    const graph = parseDeploymentSpec({
      name: 'g',
      graph: {
        kind: 'switch',
        cases: [{ when: { all: [{ field: 'age', op: 'ge', value: 65 }] }, model: 'senior@1' }],
        default: 'churn@2',
      },
      shadow: ['churn@9'],
    });
    assert.deepEqual(parseDeploymentSpec(JSON.parse(JSON.stringify(graph))), graph);
    assert.deepEqual(specModelRefs(graph), ['senior@1', 'churn@2', 'churn@9']);
  });

  it('names the field, what was expected and what arrived', () => {
    const refused = (raw: unknown, pattern: RegExp) => assert.throws(() => parseDeploymentSpec(raw), pattern);
    refused(
      { name: 'x', models: ['a@1', 'b@2'] },
      /models\[0\]\.traffic is needed when there are several models/,
    );
    refused(
      { name: 'x', models: [{ model: 'a@1', traffic: 120 }] },
      /models\[0\]\.traffic must be a percentage from 0 to 100; got the number 120/,
    );
    refused({ name: 'x', models: ['a'] }, /models\[0\] is an invalid model reference "a"/);
    refused(
      { name: 'x', models: ['a@1', 'a@1'].map((m) => ({ model: m, traffic: 50 })) },
      /must name each model reference once/,
    );
    refused({ name: 'x', models: ['a@1'], latencyBudgetMs: 5 }, /latencyBudgetMs needs a fallback/);
    refused(
      { name: 'x', models: ['a@1'], logging: { policy: 'wait' } },
      /logging\.policy must be drop or block/,
    );
    refused(
      { name: 'x', models: ['a@1'], batching: { maxBatchSize: 0 } },
      /batching\.maxBatchSize must be an integer from 1 to 100000; got the number 0/,
    );
    refused(
      { name: 'x', models: ['a@1'], graph: { kind: 'sequence', steps: ['a@1', 'b@1'] } },
      /models cannot be given with graph/,
    );
    refused({ name: 'x', graph: { kind: 'loop' } }, /graph\.kind must be sequence, parallel or switch/);
    refused(
      { name: 'x', graph: { kind: 'parallel', members: ['a@1', 'b@1'], combiner: 'stacking' } },
      /graph\.stacker is needed by the stacking combiner/,
    );
    refused(
      {
        name: 'x',
        graph: {
          kind: 'switch',
          cases: [{ when: { field: 'age', op: 'gt', value: 'old' }, model: 'a@1' }],
          default: 'b@1',
        },
      },
      /graph\.cases\[0\]\.when\.value must be a number for gt/,
    );
    refused('name: [unclosed', /not valid YAML or JSON/);
    refused(
      { name: 'x', model: 'a@1' },
      /spec\.model is not a known field; valid fields: name, description, models/,
    );
  });
});
