import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isLatheError } from '../../core/index.js';
import { joinArtifactPath, safeArtifactPath } from './safe-path.js';

/** Asserts the path is refused with INVALID_ARGUMENT and a message matching `reason`. */
function refused(raw: string, reason: RegExp): void {
  assert.throws(
    () => safeArtifactPath(raw),
    (err: unknown) => {
      assert.ok(isLatheError(err), `expected a LatheError for ${JSON.stringify(raw)}`);
      assert.equal(err.code, 'INVALID_ARGUMENT');
      assert.match(err.message, /^Invalid path/);
      assert.match(err.message, reason);
      return true;
    },
    `expected ${JSON.stringify(raw)} to be refused`,
  );
}

describe('safeArtifactPath', () => {
  it('accepts ordinary relative paths and returns them decoded', () => {
    assert.equal(safeArtifactPath('model/MLmodel'), 'model/MLmodel');
    assert.equal(safeArtifactPath('1/abc/artifacts/data.csv'), '1/abc/artifacts/data.csv');
    assert.equal(safeArtifactPath('plots/loss%20curve.png'), 'plots/loss curve.png');
    assert.equal(safeArtifactPath('résumé/データ.txt'), 'résumé/データ.txt');
    assert.equal(safeArtifactPath('a/..b/c..'), 'a/..b/c..', 'dots inside a name are fine');
    assert.equal(safeArtifactPath('.hidden/file'), '.hidden/file');
    assert.equal(safeArtifactPath('', { allowEmpty: true }), '');
  });

  it('refuses parent segments, plain and in every encoding', () => {
    refused('..', /"\.\." segment/);
    refused('../etc/passwd', /"\.\." segment/);
    refused('a/../../b', /"\.\." segment/);
    refused('a/..', /"\.\." segment/);
    refused('..%2fetc%2fpasswd', /"\.\." segment/);
    refused('..%2Fetc', /"\.\." segment/);
    refused('%2e%2e/etc/passwd', /"\.\." segment/);
    refused('%2E%2E%2Fsecret', /"\.\." segment/);
    refused('%252e%252e/etc', /"\.\." segment/);
    refused('%252e%252e%252fetc', /"\.\." segment/);
    refused('%25252e%25252e/x', /"\.\." segment/);
  });

  it('refuses backslashes, raw and encoded (Windows separators)', () => {
    refused('..\\..\\windows\\win.ini', /backslash/);
    refused('a\\b', /backslash/);
    refused('..%5c..%5cx', /backslash/);
    refused('%255c', /backslash/);
  });

  it('refuses absolute paths, URIs and Windows drives', () => {
    refused('/etc/passwd', /absolute/);
    refused('%2fetc%2fpasswd', /absolute/);
    refused('//server/share', /absolute/);
    refused('file:///etc/passwd', /URI/);
    refused('file:/etc/passwd', /URI/);
    refused('FILE:etc', /URI/);
    refused('s3://bucket/key', /URI/);
    refused('C:\\Windows\\system.ini', /backslash|drive/);
    refused('C:/Windows/system.ini', /drive/);
    refused('c:secret', /drive/);
  });

  it('refuses NUL and other control characters, raw and encoded', () => {
    refused('model.pkl\u0000.txt', /NUL/);
    refused('model.pkl%00.txt', /NUL/);
    refused('a%250a', /U\+000a/);
    refused('a\u007fb', /U\+007f/);
  });

  it('refuses empty and "." segments (paths that normalize differently)', () => {
    refused('', /empty/);
    refused('a//b', /empty segment/);
    refused('a/', /empty segment/);
    refused('./a', /"\." segment/);
    refused('a/./b', /"\." segment/);
    refused('a/%2e/b', /"\." segment/);
  });

  it('refuses "#" (as MLflow does)', () => {
    refused('a#b', /"#"/);
    refused('a%23/../b', /"#"|"\.\."/);
  });

  it('refuses overlong and malformed UTF-8 percent-encodings', () => {
    refused('%c0%ae%c0%ae/etc/passwd', /not valid UTF-8/);
    refused('%c0%af', /not valid UTF-8/);
    refused('%e0%80%ae%e0%80%ae/x', /not valid UTF-8/);
    refused('%ff', /not valid UTF-8/);
  });

  it('refuses Unicode look-alikes that normalize (NFKC) to dots or separators', () => {
    refused('\uff0e\uff0e/etc/passwd', /normalize/); // fullwidth full stops
    refused('%ef%bc%8e%ef%bc%8e/etc', /normalize/);
    refused('\u2025/x', /normalize/); // two dot leader
    refused('a\uff0f..\uff0fb', /normalize/); // fullwidth solidus
    refused('\uff3cwin', /normalize/); // fullwidth reverse solidus
  });

  it('refuses paths that never stop decoding, are too long, or are not strings', () => {
    refused(`%${'25'.repeat(12)}2e`, /still percent-encoded/);
    refused('a'.repeat(5000), /limit is 4096/);
    refused(`${'b'.repeat(300)}/c`, /limit is 255/);
    assert.throws(() => safeArtifactPath(42), /expected a string/);
  });

  it('joins checked parts, skipping the empty root', () => {
    assert.equal(joinArtifactPath('', 'a/b'), 'a/b');
    assert.equal(joinArtifactPath('1/r/artifacts', 'model', 'MLmodel'), '1/r/artifacts/model/MLmodel');
  });
});
