import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isLatheError } from '../../core/index.js';
import { parseDuration } from '../windows.js';
import { parseMonitorFile, parseMonitorList, parseMonitorSpec } from './monitor-spec.js';

const base = {
  name: 'churn-accuracy',
  model: 'churn',
  kind: 'performance',
  metric: 'accuracy',
  window: '1d',
  critical: 0.8,
};

function refused(fn: () => unknown, field: string, ...parts: (string | RegExp)[]): void {
  assert.throws(fn, (err: unknown) => {
    assert.ok(isLatheError(err), `expected a LatheError, got ${String(err)}`);
    assert.equal(err.code, 'INVALID_ARGUMENT');
    assert.equal(err.details?.field, field, err.message);
    for (const p of parts)
      assert.match(
        err.message,
        typeof p === 'string' ? new RegExp(p.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')) : p,
      );
    return true;
  });
}

describe('parseMonitorSpec', () => {
  it('fills the defaults of a performance monitor', () => {
    assert.deepEqual(parseMonitorSpec(base), {
      ...base,
      feature: null,
      baseline: null,
      environment: 'production',
      where: {},
      warning: null,
      direction: 'below',
      minSamples: 100,
      every: '15m',
      degrade: null,
    });
  });

  it('takes the direction from the metric: errors and drift fire above, volume below', () => {
    assert.equal(parseMonitorSpec({ ...base, metric: 'rmse', critical: 3 }).direction, 'above');
    const drift = parseMonitorSpec({ ...base, kind: 'drift', metric: 'psi', feature: 'age', critical: 0.25 });
    assert.equal(drift.direction, 'above');
    assert.deepEqual(drift.baseline, { environment: 'training' });
    const volume = parseMonitorSpec({
      name: 'v',
      model: 'churn',
      kind: 'volume',
      window: '1h',
      critical: 10,
    });
    assert.equal(volume.metric, 'count');
    assert.equal(volume.direction, 'below');
    assert.equal(volume.minSamples, 0);
  });

  it('accepts a window baseline, a slice filter, a warning level and a deployment to degrade', () => {
    const s = parseMonitorSpec({
      ...base,
      kind: 'drift',
      metric: 'drift_share',
      baseline: { window: '7d' },
      where: { region: 'eu', premium: true },
      warning: 0.3,
      critical: 0.5,
      degrade: 'churn',
      every: '1h',
    });
    assert.deepEqual(s.baseline, { window: '7d' });
    assert.deepEqual(s.where, { region: 'eu', premium: true });
    assert.equal(s.degrade, 'churn');
  });

  it('names the field, what was expected and what arrived', () => {
    refused(
      () => parseMonitorSpec({ ...base, name: 'Churn Acc' }),
      'name',
      'lowercase',
      'the string "Churn Acc"',
    );
    refused(
      () => parseMonitorSpec({ ...base, kind: 'speed' }),
      'kind',
      'performance, drift, quality, volume',
    );
    refused(
      () => parseMonitorSpec({ ...base, metric: 'psi' }),
      'metric',
      'accuracy',
      'r2',
      'the string "psi"',
    );
    refused(() => parseMonitorSpec({ ...base, window: 'yesterday' }), 'window', '30m, 1h, 7d');
    refused(() => parseMonitorSpec({ ...base, critical: undefined }), 'critical', 'required');
    refused(() => parseMonitorSpec({ ...base, critical: 80 }), 'critical', 'from 0 to 1', 'not a percentage');
    refused(() => parseMonitorSpec({ ...base, critical: '0.8' }), 'critical', 'number', 'the string "0.8"');
    refused(() => parseMonitorSpec({ ...base, warning: 0.7 }), 'warning', 'above critical 0.8');
    refused(
      () => parseMonitorSpec({ ...base, kind: 'drift', metric: 'ks', critical: 0.2 }),
      'feature',
      'required',
    );
    refused(() => parseMonitorSpec({ ...base, feature: 'age' }), 'feature', 'not to accuracy');
    refused(
      () => parseMonitorSpec({ ...base, baseline: { env: 'training' } }),
      'baseline',
      'environment',
      'window',
    );
    refused(() => parseMonitorSpec({ ...base, where: { region: ['eu'] } }), 'where.region', 'an array of 1');
    refused(() => parseMonitorSpec({ ...base, minSamples: -1 }), 'minSamples', '0 or more');
    refused(() => parseMonitorSpec({ ...base, every: '10s' }), 'every', 'at least 1m');
    refused(() => parseMonitorSpec({ ...base, threshold: 1 }), 'threshold', 'valid fields: name, model');
    refused(() => parseMonitorSpec('churn'), 'monitor', 'object');
  });
});

describe('parseDuration', () => {
  it('reads units s m h d w and their sums', () => {
    assert.equal(parseDuration('30m'), 1_800_000);
    assert.equal(parseDuration('1h30m'), 5_400_000);
    assert.equal(parseDuration('7d'), 604_800_000);
    assert.equal(parseDuration('2w'), 1_209_600_000);
    refused(() => parseDuration('5', 'window'), 'window', 'the string "5"');
    refused(() => parseDuration('0m', 'window'), 'window');
    refused(() => parseDuration('400d', 'window'), 'window', '366d');
  });
});

describe('parseMonitorFile', () => {
  const one = 'name: a\nmodel: churn\nkind: performance\nmetric: f1\nwindow: 1d\ncritical: 0.6\n';
  it('reads one spec, a list, {monitors: [...]} and several documents', () => {
    assert.deepEqual(
      parseMonitorFile(one).map((s) => s.name),
      ['a'],
    );
    const list = `- ${one.trim().replace(/\n/g, '\n  ')}\n- ${one.trim().replace('name: a', 'name: b').replace(/\n/g, '\n  ')}\n`;
    assert.deepEqual(
      parseMonitorFile(list).map((s) => s.name),
      ['a', 'b'],
    );
    assert.deepEqual(
      parseMonitorFile(`monitors:\n${list.replace(/^/gm, '  ')}`).map((s) => s.name),
      ['a', 'b'],
    );
    assert.deepEqual(
      parseMonitorFile(`${one}---\n${one.replace('name: a', 'name: c')}`).map((s) => s.name),
      ['a', 'c'],
    );
    assert.deepEqual(
      parseMonitorList(JSON.stringify({ monitors: [{ ...base }] })).map((s) => s.name),
      ['churn-accuracy'],
    );
  });

  it('names the entry of a list that is wrong, and refuses repeated names and bad YAML', () => {
    refused(
      () => parseMonitorList([base, { ...base, name: 'b', critical: 2 }]),
      'monitors[1].critical',
      'monitors[1] (b): critical must be from 0 to 1',
    );
    refused(() => parseMonitorList([base, base]), 'monitors[1].name', 'repeats "churn-accuracy"');
    assert.throws(() => parseMonitorFile('name: [unclosed'), /not valid YAML/);
    refused(() => parseMonitorList({ monitors: [], extra: 1 }), 'extra', 'monitors');
    refused(() => parseMonitorList([]), 'monitors', 'at least one');
  });
});
