/**
 * The behaviour every model flavor must show, run from each flavor's test file:
 *
 * ```ts
 * runFlavorConformance(xgboostFlavor, async () => ({ source, rows, expected }));
 * ```
 *
 * `fixture()` answers a model as a user would import it (made by the peer library and committed),
 * rows keyed by the model's input columns, and the peer's reference outputs for those rows. The
 * suite imports the model (detect, inspect), stores it as a package, reads the package back and
 * loads it, then checks predictions, signature enforcement and the refusal of damaged files.
 * Every model input is required as a column (a value may still be null: a missing value).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { LatheError } from '../../core/index.js';
import { manifestFile, type ReadPackage } from '../package.js';
import type { Predictor } from '../predictor.js';
import type { InspectedModel, InspectOptions, ModelFlavor, ModelSource } from './flavor.js';
import { importedPackage, readPackageFiles } from './imported-package.js';

/** A committed model and what its peer library answered. */
export interface FlavorFixture {
  source: ModelSource;
  rows: Record<string, unknown>[];
  expected: {
    predictions: (string | number | boolean)[];
    /** Classifiers: per row, the probability of each class. */
    probabilities?: number[][];
  };
  /** Relative tolerance of numbers (default 1e-6). */
  tolerance?: number;
  inspectOptions?: InspectOptions;
}

const isCode = (code: string) => (err: unknown) => {
  assert.ok(err instanceof LatheError, `expected a LatheError ${code}, got ${String(err)}`);
  assert.equal(err.code, code, err.message);
  return true;
};

function close(actual: number, expected: number, tol: number, what: string): void {
  const scale = Math.max(1, Math.abs(expected));
  assert.ok(
    Math.abs(actual - expected) <= tol * scale || (Number.isNaN(actual) && Number.isNaN(expected)),
    `${what}: ${actual} vs ${expected}`,
  );
}

function assertPredictions(
  got: { predictions: unknown[]; probabilities?: number[][] },
  fixture: FlavorFixture,
  rows: number[],
): void {
  const tol = fixture.tolerance ?? 1e-6;
  assert.equal(got.predictions.length, rows.length);
  rows.forEach((r, i) => {
    const want = fixture.expected.predictions[r]!;
    if (typeof want === 'number' && typeof got.predictions[i] === 'number')
      close(got.predictions[i] as number, want, tol, `row ${r} prediction`);
    else assert.deepEqual(got.predictions[i], want, `row ${r} prediction`);
    const p = fixture.expected.probabilities?.[r];
    if (p) {
      assert.ok(got.probabilities, 'a classifier answers probabilities');
      for (const [c, v] of p.entries())
        close(got.probabilities![i]![c]!, v, tol, `row ${r} class ${c} probability`);
    }
  });
}

/** Registers the conformance tests of one flavor (see the file comment). */
export function runFlavorConformance(
  flavor: ModelFlavor,
  fixture: () => Promise<FlavorFixture>,
  load: (pkg: ReadPackage) => Promise<Predictor> = (pkg) => flavor.load(pkg),
): void {
  describe(`model flavor conformance: ${flavor.name}`, () => {
    let fx: FlavorFixture;
    let inspected: InspectedModel;
    let model: Predictor;
    const all = () => fx.rows.map((_, i) => i);

    it('recognises its files and imports them', async () => {
      fx = await fixture();
      assert.ok(flavor.detect(fx.source), `${flavor.name} detects its own fixture`);
      inspected = await flavor.inspect(fx.source, fx.inspectOptions);
      const names = inspected.signature.inputs.map((c) => c.name);
      for (const key of Object.keys(fx.rows[0]!))
        assert.ok(names.includes(key), `the signature reads ${key}`);
      assert.ok(inspected.files.size > 0, 'the package keeps the model files');
      assert.equal(
        inspected.task === 'binary' || inspected.task === 'multiclass',
        fx.expected.probabilities !== undefined,
        `task ${inspected.task} matches the fixture`,
      );
      model = await load(await readPackageFiles(importedPackage(flavor, fx.source, inspected)));
    });

    it('does not claim files of other formats', () => {
      const others: ModelSource[] = [
        { name: 'data.csv', files: new Map([['data.csv', new TextEncoder().encode('a,b\n1,2\n')]]) },
        { name: 'blob.bin', files: new Map([['blob.bin', new Uint8Array([0, 1, 2, 3, 250, 251])]]) },
        { name: 'model.pkl', files: new Map([['model.pkl', new Uint8Array([0x80, 4, 0x95, 0, 0, 0])]]) },
      ];
      for (const s of others)
        assert.equal(flavor.detect(s), false, `${flavor.name} does not claim ${s.name}`);
    });

    it('predicts what the peer library predicted, through a stored package, rows and columns alike', async () => {
      assertPredictions(await model.predict(fx.rows), fx, all());
      const batch = await model.predictBatch({
        rows: fx.rows.length,
        columns: Object.fromEntries(Object.keys(fx.rows[0]!).map((k) => [k, fx.rows.map((r) => r[k])])),
      });
      assert.equal(batch.rows, fx.rows.length);
      const asRows = await model.predict(fx.rows);
      assert.deepEqual(Array.from(batch.predictions as ArrayLike<unknown>), asRows.predictions);
    });

    it('answers rows in the order given, one row as in a batch, and an empty batch', async () => {
      const order = all().reverse();
      assertPredictions(await model.predict(order.map((i) => fx.rows[i]!)), fx, order);
      assertPredictions(await model.predict([fx.rows[1]!]), fx, [1]);
      const none = await model.predict([]);
      assert.deepEqual(none.predictions, []);
    });

    it('refuses rows without a required column, naming it', async () => {
      const column = model.signature.inputs[0]!.name;
      const rows = fx.rows.slice(0, 3).map(({ [column]: _drop, ...rest }) => rest);
      await assert.rejects(model.predict(rows), (err: unknown) => {
        isCode('MODEL_INPUT_INVALID')(err);
        assert.match((err as Error).message, new RegExp(`missing required column.*${column}`));
        return true;
      });
    });

    it('ignores extra columns with a warning and gives the same predictions', async () => {
      const rows = fx.rows.map((r) => ({ ...r, not_a_feature: 'x' }));
      const got = await model.predict(rows);
      assertPredictions(got, fx, all());
      assert.ok(
        got.warnings?.some((w) => w.includes('not_a_feature')),
        'a warning names the ignored column',
      );
    });

    it('refuses a value of the wrong type, and reads numeric strings only when allowed', async () => {
      const spec = model.signature.inputs.find((c) => c.type === 'double' || c.type === 'float');
      if (!spec) return;
      const value = fx.rows[0]![spec.name];
      const bad = [{ ...fx.rows[0]!, [spec.name]: 'not a number' }];
      await assert.rejects(model.predict(bad), (err: unknown) => {
        isCode('MODEL_INPUT_INVALID')(err);
        assert.match((err as Error).message, new RegExp(spec.name));
        return true;
      });
      if (typeof value !== 'number') return;
      const asString = [{ ...fx.rows[0]!, [spec.name]: String(value) }];
      await assert.rejects(model.predict(asString), isCode('MODEL_INPUT_INVALID'));
      assertPredictions(await model.predict(asString, { numericStrings: true }), fx, [0]);
    });

    it('refuses truncated and corrupt files with MODEL_PACKAGE_INVALID', async () => {
      const damaged = (f: (b: Uint8Array) => Uint8Array): ModelSource => ({
        name: fx.source.name,
        files: new Map(
          [...fx.source.files].map(([p, b]) => [p, p === manifestFile || !/MLmodel$/.test(p) ? f(b) : b]),
        ),
      });
      const truncated = damaged((b) => b.subarray(0, Math.floor(b.length / 2)));
      const noise = damaged((b) => b.map((_, i) => (i * 7919 + 13) & 0xff));
      for (const bad of [truncated, noise])
        await assert.rejects(
          (async () => {
            await flavor.inspect(bad, fx.inspectOptions);
          })(),
          isCode('MODEL_PACKAGE_INVALID'),
        );
    });
  });
}
