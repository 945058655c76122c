import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { LatheError } from '../../../core/index.js';
import { lightgbmFlavor } from './lightgbm-flavor.js';
import { looksLikeLightgbm, parseModelText } from './model-text.js';
import { parseObjective } from './objectives.js';
import { catStump, leafTree, modelText, stump } from './test-models.js';

const invalid = (pattern: RegExp) => (err: unknown) => {
  assert.ok(err instanceof LatheError, String(err));
  assert.equal(err.code, 'MODEL_PACKAGE_INVALID');
  assert.match(err.message, pattern);
  return true;
};

describe('LightGBM text model parsing', () => {
  it('reads the header, trees, importances, parameters and pandas categories', () => {
    const text = modelText([stump(0, 0.5, 2, -1, 1), leafTree(0.25)], {
      objective: 'binary sigmoid:2',
      trailer:
        'feature_importances:\na=1\n\nparameters:\n[boosting: gbdt]\n[learning_rate: 0.1]\n[metric: ]\nend of parameters\n\npandas_categorical:[["x", "y"]]',
    });
    const m = parseModelText(text);
    assert.equal(m.version, 'v4');
    assert.deepEqual(m.objective, { name: 'binary', task: 'binary', transform: 'sigmoid', sigmoid: 2 });
    assert.deepEqual(m.featureNames, ['a', 'b']);
    assert.equal(m.trees, 2);
    assert.deepEqual(Array.from(m.nodeStart), [0, 1, 1]);
    assert.deepEqual(Array.from(m.leafStart), [0, 2, 3]);
    assert.deepEqual(Array.from(m.leafValue), [-1, 1, 0.25]);
    assert.deepEqual(Array.from(m.leafCover), [3, 1, 10]);
    assert.deepEqual(m.params, { boosting: 'gbdt', learning_rate: 0.1, metric: '' });
    assert.deepEqual(m.importances, { a: 1 });
    assert.deepEqual(m.pandasCategorical, [['x', 'y']]);
    assert.ok(looksLikeLightgbm(text));
  });

  it('reads objectives with their parameters', () => {
    assert.deepEqual(parseObjective('multiclass num_class:3'), {
      name: 'multiclass',
      task: 'multiclass',
      transform: 'softmax',
      sigmoid: 1,
      numClass: 3,
    });
    assert.equal(parseObjective('multiclassova num_class:3 sigmoid:1').transform, 'ova-sigmoid');
    assert.equal(parseObjective('regression sqrt').transform, 'square');
    assert.equal(parseObjective('tweedie tweedie_variance_power:1.5').transform, 'exp');
    assert.equal(parseObjective('lambdarank').task, 'ranking');
    assert.equal(parseObjective(undefined).transform, 'identity');
    assert.throws(() => parseObjective('poisson sqrt'), invalid(/does not take sqrt/));
    assert.throws(() => parseObjective('binary sigmoid:x'), invalid(/key:number/));
    assert.throws(
      () => parseObjective('magic'),
      invalid(/objective "magic" is not one Lathe evaluates; the supported objectives are regression/),
    );
  });

  it('refuses files that are not LightGBM models, naming what was expected', () => {
    assert.throws(() => parseModelText('{"learner": 1}'), invalid(/starting with the line "tree"/));
    assert.throws(() => parseModelText('tree\nnum_class=1\n'), invalid(/version must be v2, v3 or v4/));
    const good = modelText([stump(0, 0.5, 2, -1, 1)]);
    assert.throws(
      () => parseModelText(good.replace('num_class=1', 'num_class=x')),
      invalid(/num_class must be an integer/),
    );
    assert.throws(
      () => parseModelText(good.replace('feature_names=a b', 'feature_names=a')),
      invalid(/feature_names must list 2 names/),
    );
    assert.throws(
      () => parseModelText(good.replace('feature_names=a b', 'feature_names=a a')),
      invalid(/holds a name twice/),
    );
  });

  it('refuses truncated files: a block cut short, trees missing, no end of trees', () => {
    const good = modelText([stump(0, 0.5, 2, -1, 1), stump(1, 0.5, 2, -1, 1)]);
    const cut = good.slice(0, good.indexOf('leaf_value=', good.indexOf('Tree=1')));
    assert.throws(() => parseModelText(cut), invalid(/tree 1: the block has no leaf_value line/));
    const noSecond = good.slice(0, good.indexOf('Tree=1'));
    assert.throws(() => parseModelText(noSecond), invalid(/tree_sizes lists 2 trees but the file holds 1/));
    const noEnd = good.replace(/tree_sizes=.*\n/, '').replace(/end of trees[\s\S]*$/, '');
    assert.throws(() => parseModelText(noEnd), invalid(/without "end of trees"/));
    const short = good.replace('leaf_value=-1 1', 'leaf_value=-1');
    assert.throws(() => parseModelText(short), invalid(/tree 0: leaf_value must hold 2 values; got 1/));
    // Anywhere before `end of trees` is complete; the sections after it are optional.
    for (let cutAt = 50; cutAt < good.indexOf('end of trees') + 10; cutAt += 37)
      assert.throws(() => parseModelText(good.slice(0, cutAt)), LatheError, `cut at ${cutAt}`);
  });

  it('refuses malformed trees: children out of range, cycles, bad bitsets, unknown missing types', () => {
    const bad = (t: Record<string, string | number>) => modelText([t]);
    assert.throws(
      () => parseModelText(bad({ ...stump(0, 0.5, 2, -1, 1), left_child: -3 })),
      invalid(/left_child holds -3/),
    );
    assert.throws(
      () => parseModelText(bad({ ...stump(5, 0.5, 2, -1, 1) })),
      invalid(/split_feature holds 5; values must be integers in \[0, 1\]/),
    );
    const cyclic = {
      ...stump(0, 0.5, 2, -1, 1),
      num_leaves: 3,
      split_feature: '0 1',
      threshold: '0 0',
      decision_type: '2 2',
      left_child: '1 0',
      right_child: '-1 -2',
      leaf_value: '1 2 3',
      leaf_count: '1 1 1',
      leaf_weight: '1 1 1',
      internal_count: '3 2',
      internal_weight: '3 2',
      internal_value: '0 0',
    };
    assert.throws(() => parseModelText(bad(cyclic)), invalid(/reached twice|not reachable/));
    assert.throws(
      () => parseModelText(bad({ ...catStump(0, [1], 0, 1), threshold: 3 })),
      invalid(/names bitset 3; the tree has 1/),
    );
    assert.throws(
      () => parseModelText(bad(stump(0, 0.5, 14, -1, 1))),
      invalid(/missing type is not 0, 1 or 2/),
    );
    assert.throws(
      () => parseModelText(bad({ ...stump(0, 0.5, 2, -1, 1), threshold: 'abc' })),
      invalid(/threshold holds "abc"/),
    );
  });

  it('refuses linear trees with a way out', () => {
    const linear = modelText([
      {
        ...stump(0, 0.5, 2, -1, 1),
        is_linear: 1,
        leaf_const: '0 0',
        num_features: '1 0',
        leaf_features: '0 ',
        leaf_coeff: '0.5 ',
      },
    ]);
    assert.throws(
      () => parseModelText(linear),
      invalid(/linear tree \(linear_tree=true\).*retrain with linear_tree=false/),
    );
  });

  it('checks the rounds agree with the objective', () => {
    const two = [stump(0, 0.5, 2, -1, 1), stump(0, 0.5, 2, 1, -1)];
    const ok = parseModelText(
      modelText(two, { objective: 'multiclass num_class:2', numClass: 2, treesPerIteration: 2 }),
    );
    assert.equal(ok.treesPerIteration, 2);
    assert.throws(
      () =>
        parseModelText(
          modelText(two, { objective: 'multiclass num_class:3', numClass: 3, treesPerIteration: 3 }),
        ),
      invalid(/2 trees is not a whole number of rounds of 3 trees/),
    );
    assert.throws(
      () =>
        parseModelText(
          modelText(two, { objective: 'multiclass num_class:3', numClass: 2, treesPerIteration: 2 }),
        ),
      invalid(/num_class:3 but the header says num_class=2/),
    );
    assert.throws(
      () => parseModelText(modelText(two, { treesPerIteration: 2 })),
      invalid(/must be 1 for objective regression/),
    );
  });

  it('inspect refuses binary files and corrupt text with MODEL_PACKAGE_INVALID', async () => {
    const files = (b: Uint8Array) => ({ name: 'm.txt', files: new Map([['model.txt', b]]) });
    await assert.rejects(
      lightgbmFlavor.inspect(files(new Uint8Array([0x74, 0x72, 0xff, 0xfe]))),
      invalid(/not UTF-8 text/),
    );
    const fixture = readFileSync(
      new URL('../../../../test/fixtures/models/lightgbm/lg_rf_iris.model', import.meta.url),
    );
    await assert.rejects(
      lightgbmFlavor.inspect(files(new Uint8Array(fixture.subarray(0, 4000)))),
      invalid(/LightGBM model/),
    );
    await assert.rejects(
      lightgbmFlavor.inspect({
        name: 'dir',
        files: new Map([
          ['a.txt', fixture],
          ['b.txt', fixture],
        ]),
      }),
      invalid(/expected one LightGBM text model/),
    );
  });
});
