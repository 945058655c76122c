import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { isTar, readTar } from './tar.js';
import { writeTar } from './tar-writer.js';

const enc = (s: string) => new TextEncoder().encode(s);
const invalid = (pattern: RegExp) => (err: unknown) => {
  assert.equal((err as { code?: string }).code, 'MODEL_PACKAGE_INVALID');
  assert.match((err as Error).message, pattern);
  return true;
};

describe('tar archives', () => {
  it('reads what the system tar writes, nested and long paths included', () => {
    const dir = mkdtempSync(join(tmpdir(), 'lathe-tar-'));
    try {
      const long = `${'d'.repeat(60)}/${'e'.repeat(60)}/${'f'.repeat(90)}.json`;
      mkdirSync(join(dir, 'm', 'sub'), { recursive: true });
      mkdirSync(join(dir, 'm', long, '..'), { recursive: true });
      writeFileSync(join(dir, 'm', 'MLmodel'), 'flavors: {}\n');
      writeFileSync(join(dir, 'm', 'sub', 'model.bin'), Buffer.alloc(1300, 7));
      writeFileSync(join(dir, 'm', long), '{}');
      execFileSync('tar', ['-cf', join(dir, 'a.tar'), '-C', join(dir, 'm'), '.']);
      const bytes = new Uint8Array(readFileSync(join(dir, 'a.tar')));
      assert.ok(isTar(bytes));
      const files = readTar(bytes);
      assert.deepEqual([...files.keys()].sort(), ['MLmodel', long, 'sub/model.bin'].sort());
      assert.equal(files.get('sub/model.bin')!.length, 1300);
      assert.equal(new TextDecoder().decode(files.get('MLmodel')), 'flavors: {}\n');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('writes archives the system tar and its own reader read back', () => {
    const files = new Map([
      ['MLmodel', enc('flavors:\n  onnx: {}\n')],
      [`${'a'.repeat(120)}/model.onnx`, new Uint8Array(700).fill(3)],
    ]);
    const bytes = writeTar(files);
    assert.deepEqual(readTar(bytes), files);
    const dir = mkdtempSync(join(tmpdir(), 'lathe-tar-'));
    try {
      writeFileSync(join(dir, 'b.tar'), bytes);
      const listed = execFileSync('tar', ['-tf', join(dir, 'b.tar')], { encoding: 'utf8' })
        .trim()
        .split('\n');
      assert.deepEqual(listed.sort(), [...files.keys()].sort());
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('refuses paths that climb out, links, and truncated or corrupt archives', () => {
    const dir = mkdtempSync(join(tmpdir(), 'lathe-tar-'));
    try {
      writeFileSync(join(dir, 'x'), 'x');
      symlinkSync('/etc/passwd', join(dir, 'link'));
      execFileSync('tar', ['-cf', join(dir, 'l.tar'), '-C', dir, 'link']);
      assert.throws(
        () => readTar(new Uint8Array(readFileSync(join(dir, 'l.tar')))),
        invalid(/link is a link/),
      );
      execFileSync('tar', ['-cf', join(dir, 'p.tar'), '-P', join(dir, 'x')]);
      assert.throws(() => readTar(new Uint8Array(readFileSync(join(dir, 'p.tar')))), invalid(/unsafe path/));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    const climbing = writeTar(new Map([['../escape', enc('x')]]));
    assert.throws(() => readTar(climbing), invalid(/unsafe path "\.\.\/escape"/));
    const good = writeTar(new Map([['model.json', new Uint8Array(2000)]]));
    assert.throws(() => readTar(good.subarray(0, 1024)), invalid(/truncated/));
    const corrupt = good.slice();
    corrupt[10] = 0x41;
    assert.throws(() => readTar(corrupt), invalid(/bad checksum/));
    assert.equal(isTar(enc('{"learner": {}}')), false);
  });
});
