import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { InferenceQueue } from './inference-queue.js';
import { checkEndpointFolder, JsonlInferenceSink } from './inference-sink.js';

interface Rec {
  timestamp: number;
  endpoint?: string;
  id: string;
  prediction: number;
}

const day1 = Date.UTC(2026, 10, 23, 23, 59, 59, 999);
const day2 = Date.UTC(2026, 10, 24, 0, 0, 0, 0);

const readLines = (file: string) =>
  readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => JSON.parse(l) as Rec);

describe('JsonlInferenceSink', () => {
  const root = mkdtempSync(path.join(tmpdir(), 'lathe-sink-'));
  after(() => rmSync(root, { recursive: true, force: true }));

  it('writes records as JSON lines by UTC day, and appends', async () => {
    const sink = new JsonlInferenceSink<Rec>({ dir: path.join(root, 'a'), endpoint: 'churn' });
    await sink.flush([
      { timestamp: day1, id: 'p1', prediction: 0.25 },
      { timestamp: day2, id: 'p2', prediction: 1 },
      { timestamp: day1, id: 'p3', prediction: 0.5 },
    ]);
    const folder = path.join(root, 'a', 'churn');
    assert.deepEqual(readdirSync(folder).sort(), ['2026-11-23.jsonl', '2026-11-24.jsonl']);
    assert.deepEqual(
      readLines(path.join(folder, '2026-11-23.jsonl')).map((r) => r.id),
      ['p1', 'p3'],
    );
    const day2File = path.join(folder, '2026-11-24.jsonl');
    assert.deepEqual(readLines(day2File), [{ timestamp: day2, id: 'p2', prediction: 1 }]);
    await sink.flush([{ timestamp: day1 + 1, id: 'p4', prediction: 2 }]); // 00:00:00.000 on day 2
    assert.deepEqual(
      readLines(path.join(folder, '2026-11-24.jsonl')).map((r) => r.id),
      ['p2', 'p4'],
    );
    assert.ok(readFileSync(day2File, 'utf8').endsWith('}\n'));
    assert.equal(sink.fileFor('churn', day1), path.join(folder, '2026-11-23.jsonl'));
    await sink.flush([]);
  });

  it('places records by their own endpoint when the sink has none, and remakes a removed folder', async () => {
    const dir = path.join(root, 'b');
    const sink = new JsonlInferenceSink<Rec>({ dir });
    await sink.flush([
      { timestamp: day1, endpoint: 'churn', id: 'c1', prediction: 1 },
      { timestamp: day1, endpoint: 'fraud', id: 'f1', prediction: 0 },
    ]);
    assert.deepEqual(readdirSync(dir).sort(), ['churn', 'fraud']);
    rmSync(path.join(dir, 'fraud'), { recursive: true });
    await sink.flush([{ timestamp: day1, endpoint: 'fraud', id: 'f2', prediction: 0 }]);
    assert.deepEqual(
      readLines(path.join(dir, 'fraud', '2026-11-23.jsonl')).map((r) => r.id),
      ['f2'],
    );
    await assert.rejects(sink.flush([{ timestamp: day1, id: 'x', prediction: 0 }]), {
      code: 'INVALID_ARGUMENT',
      message: /record 0 has no endpoint/,
    });
  });

  it('refuses endpoint names that escape the folder and bad records before writing', async () => {
    for (const bad of ['../x', 'a/b', 'a\\b', 'a\0b', '..', '.', 'x..y', ''])
      assert.throws(() => checkEndpointFolder(bad), { code: 'INVALID_ARGUMENT' }, JSON.stringify(bad));
    assert.equal(checkEndpointFolder('churn-v2.prod_1'), 'churn-v2.prod_1');
    assert.throws(() => new JsonlInferenceSink({ dir: root, endpoint: '../etc' }), {
      message: /must not contain '\/', '\\', '\.\.' or NUL/,
    });
    const dir = path.join(root, 'c');
    const sink = new JsonlInferenceSink<Rec>({ dir });
    await assert.rejects(
      sink.flush([
        { timestamp: day1, endpoint: 'ok', id: 'a', prediction: 1 },
        { timestamp: day1, endpoint: '../escape', id: 'b', prediction: 1 },
      ]),
      { code: 'INVALID_ARGUMENT' },
    );
    await assert.rejects(
      sink.flush([
        { timestamp: day1, endpoint: 'ok', id: 'a', prediction: 1 },
        { timestamp: Number.NaN, endpoint: 'ok', id: 'b', prediction: 1 },
      ]),
      {
        code: 'INVALID_ARGUMENT',
        message: /record 1 needs a timestamp in epoch milliseconds; got the number NaN/,
      },
    );
    const cyclic: Record<string, unknown> = { timestamp: day1, endpoint: 'ok' };
    cyclic['self'] = cyclic;
    await assert.rejects(sink.flush([cyclic as unknown as Rec]), { message: /cannot be written as JSON/ });
    assert.equal(existsSync(dir), false, 'nothing written');
  });

  it('serves as the flush of an inference queue', async () => {
    const dir = path.join(root, 'd');
    const sink = new JsonlInferenceSink<Rec>({ dir, endpoint: 'churn' });
    const queue = new InferenceQueue<Rec>({ capacity: 100, policy: 'drop', batchSize: 7, flush: sink.flush });
    for (let i = 0; i < 30; i++) queue.offer({ timestamp: day2 + i, id: `p${i}`, prediction: i });
    await queue.close();
    const lines = readLines(path.join(dir, 'churn', '2026-11-24.jsonl'));
    assert.deepEqual(
      lines.map((r) => r.prediction),
      Array.from({ length: 30 }, (_, i) => i),
    );
    assert.equal(queue.stats().written, 30);
  });
});
