import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import {
  blobStoreUri,
  type LatheConfig,
  type LoadConfigOptions,
  loadConfig,
  maskSecrets,
  maskUri,
  metaStoreUri,
  publicUrl,
  settings,
} from './config.js';
import { isLatheError, LatheError } from './errors.js';

let root: string;
let counter = 0;

/** A fresh, empty working directory for one test. */
function freshDir(): string {
  const dir = path.join(root, `case-${++counter}`);
  mkdirSync(dir);
  return dir;
}

/** Writes `text` to `name` in a fresh directory and returns both. */
function withFile(name: string, text: string): { dir: string; file: string } {
  const dir = freshDir();
  const file = path.join(dir, name);
  writeFileSync(file, text);
  return { dir, file };
}

/** loadConfig that never sees the test runner's own environment. */
function load(options: LoadConfigOptions = {}) {
  return loadConfig({ env: {}, cwd: freshDir(), ...options });
}

/** Asserts that `fn` throws a CONFIG_INVALID LatheError whose message matches every pattern. */
function assertConfigInvalid(fn: () => unknown, ...patterns: (RegExp | string)[]): void {
  assert.throws(fn, (err: unknown) => {
    assert.ok(err instanceof LatheError, `expected a LatheError, got ${String(err)}`);
    assert.equal(err.code, 'CONFIG_INVALID');
    for (const p of patterns) {
      if (typeof p === 'string')
        assert.ok(
          err.message.includes(p),
          `message ${JSON.stringify(err.message)} lacks ${JSON.stringify(p)}`,
        );
      else assert.match(err.message, p);
    }
    return true;
  });
}

before(() => {
  root = mkdtempSync(path.join(tmpdir(), 'lathe-config-test-'));
});

after(() => {
  rmSync(root, { recursive: true, force: true });
});

describe('loadConfig defaults', () => {
  it('gives the documented defaults with no file, env or flags, all from "default"', () => {
    const { config, sources, file } = load();
    assert.deepEqual(config, {
      dataDir: './lathe-data',
      server: {
        host: '127.0.0.1',
        port: 7007,
        bodyLimitBytes: 16 * 1024 * 1024,
        artifactLimitBytes: 5 * 1024 ** 3,
        uploadLimitBytes: 50 * 1024 ** 3,
        modelUploadLimitBytes: 1024 ** 3,
        publicUrl: '',
        shutdownTimeoutMs: 10_000,
      },
      auth: { enabled: true },
      data: { sqlSourceHosts: '', sqlTimeoutMs: 600_000, piiSalt: '' },
      stores: { meta: '', blobs: '' },
      log: { level: 'info' },
      client: { url: 'http://127.0.0.1:7007', token: '' },
    });
    assert.equal(file, null);
    assert.deepEqual(Object.keys(sources).sort(), settings.map((s) => s.path).sort());
    for (const [key, source] of Object.entries(sources)) assert.equal(source, 'default', key);
  });

  it('ignores empty environment variables and flags left undefined', () => {
    const { config, sources } = load({
      env: { LATHE_PORT: '', LATHE_AUTH: '' },
      flags: {
        dataDir: undefined,
        server: { port: undefined },
        client: { url: undefined, token: undefined },
      },
    });
    assert.equal(config.server.port, 7007);
    assert.equal(config.auth.enabled, true);
    assert.equal(sources['server.port'], 'default');
    assert.equal(sources['client.url'], 'default');
  });
});

for (const [format, name, text] of [
  [
    'JSON',
    'lathe.config.json',
    JSON.stringify({
      dataDir: '/srv/lathe',
      server: { port: 8100, host: '0.0.0.0' },
      log: { level: 'debug' },
    }),
  ],
  [
    'YAML',
    'lathe.config.yaml',
    'dataDir: /srv/lathe\nserver:\n  port: 8100\n  host: 0.0.0.0\nlog:\n  level: debug\n',
  ],
  [
    'YAML (.yml)',
    'lathe.config.yml',
    'dataDir: /srv/lathe\nserver: { port: 8100, host: 0.0.0.0 }\nlog: { level: debug }\n',
  ],
] as const) {
  describe(`precedence with a ${format} config file`, () => {
    it('reads the file found in the working directory over the defaults', () => {
      const { dir, file } = withFile(name, text);
      const r = loadConfig({ cwd: dir, env: {} });
      assert.equal(r.file, file);
      assert.equal(r.config.server.port, 8100);
      assert.equal(r.config.server.host, '0.0.0.0');
      assert.equal(r.config.log.level, 'debug');
      assert.equal(r.config.dataDir, '/srv/lathe');
      assert.equal(r.sources['server.port'], 'file');
      assert.equal(r.config.server.bodyLimitBytes, 16 * 1024 * 1024);
      assert.equal(r.sources['server.bodyLimitBytes'], 'default');
    });

    it('lets the environment override the file', () => {
      const { dir } = withFile(name, text);
      const r = loadConfig({ cwd: dir, env: { LATHE_PORT: '8200', LATHE_LOG_LEVEL: 'warn' } });
      assert.equal(r.config.server.port, 8200);
      assert.equal(r.config.log.level, 'warn');
      assert.equal(r.sources['server.port'], 'env');
      assert.equal(r.sources['log.level'], 'env');
      assert.equal(r.config.server.host, '0.0.0.0', 'values the env does not set stay from the file');
      assert.equal(r.sources['server.host'], 'file');
    });

    it('lets flags override the environment and the file', () => {
      const { dir } = withFile(name, text);
      const r = loadConfig({
        cwd: dir,
        env: { LATHE_PORT: '8200', LATHE_DATA_DIR: '/env/data' },
        flags: { server: { port: 8300 }, dataDir: '/flag/data' },
      });
      assert.equal(r.config.server.port, 8300);
      assert.equal(r.config.dataDir, '/flag/data');
      assert.equal(r.sources['server.port'], 'flag');
      assert.equal(r.sources['dataDir'], 'flag');
      assert.equal(r.config.log.level, 'debug');
      assert.equal(r.sources['log.level'], 'file');
    });
  });
}

describe('finding the config file', () => {
  it('prefers lathe.config.json over lathe.config.yaml in the working directory', () => {
    const dir = freshDir();
    writeFileSync(path.join(dir, 'lathe.config.json'), '{"server": {"port": 1111}}');
    writeFileSync(path.join(dir, 'lathe.config.yaml'), 'server:\n  port: 2222\n');
    const r = loadConfig({ cwd: dir, env: {} });
    assert.equal(r.file, path.join(dir, 'lathe.config.json'));
    assert.equal(r.config.server.port, 1111);
  });

  it('reads LATHE_CONFIG, resolved against the working directory', () => {
    const { dir, file } = withFile('custom.yaml', 'server:\n  port: 3333\n');
    const r = loadConfig({ cwd: dir, env: { LATHE_CONFIG: 'custom.yaml' } });
    assert.equal(r.file, file);
    assert.equal(r.config.server.port, 3333);
  });

  it('prefers --config over LATHE_CONFIG and over a file in the working directory', () => {
    const dir = freshDir();
    writeFileSync(path.join(dir, 'lathe.config.yaml'), 'server:\n  port: 1111\n');
    writeFileSync(path.join(dir, 'env.yaml'), 'server:\n  port: 2222\n');
    writeFileSync(path.join(dir, 'flag.json'), '{"server": {"port": 3333}}');
    const r = loadConfig({ cwd: dir, env: { LATHE_CONFIG: 'env.yaml' }, file: 'flag.json' });
    assert.equal(r.file, path.join(dir, 'flag.json'));
    assert.equal(r.config.server.port, 3333);
  });

  it('treats an empty file as no settings', () => {
    const { dir, file } = withFile('lathe.config.yaml', '');
    const r = loadConfig({ cwd: dir, env: {} });
    assert.equal(r.file, file);
    assert.equal(r.config.server.port, 7007);
  });
});

describe('boolean settings', () => {
  for (const spelling of ['off', 'OFF', 'false', 'False', '0', 'no', ' off ']) {
    it(`LATHE_AUTH=${JSON.stringify(spelling)} turns auth off`, () => {
      const r = load({ env: { LATHE_AUTH: spelling } });
      assert.equal(r.config.auth.enabled, false);
      assert.equal(r.sources['auth.enabled'], 'env');
    });
  }
  for (const spelling of ['on', 'true', 'TRUE', '1', 'yes']) {
    it(`LATHE_AUTH=${JSON.stringify(spelling)} turns auth on`, () => {
      const { dir } = withFile('lathe.config.yaml', 'auth:\n  enabled: false\n');
      assert.equal(loadConfig({ cwd: dir, env: { LATHE_AUTH: spelling } }).config.auth.enabled, true);
    });
  }

  it('accepts YAML booleans and the words on/off in a file', () => {
    for (const value of ['false', 'off', 'no', '"0"']) {
      const { dir } = withFile('lathe.config.yaml', `auth:\n  enabled: ${value}\n`);
      assert.equal(loadConfig({ cwd: dir, env: {} }).config.auth.enabled, false, value);
    }
    const { dir } = withFile('lathe.config.json', '{"auth": {"enabled": false}}');
    assert.equal(loadConfig({ cwd: dir, env: {} }).config.auth.enabled, false);
  });

  it('lets a flag turn auth off over the environment', () => {
    const r = load({ env: { LATHE_AUTH: 'on' }, flags: { auth: { enabled: false } } });
    assert.equal(r.config.auth.enabled, false);
    assert.equal(r.sources['auth.enabled'], 'flag');
  });

  it('rejects other words, naming the variable, the accepted spellings and the value', () => {
    assertConfigInvalid(() => load({ env: { LATHE_AUTH: 'maybe' } }), 'LATHE_AUTH', 'on or off', '"maybe"');
  });
});

describe('invalid values', () => {
  it('port "abc" in the environment', () => {
    assertConfigInvalid(
      () => load({ env: { LATHE_PORT: 'abc' } }),
      'environment variable LATHE_PORT',
      'expected an integer from 0 to 65535',
      'the string "abc"',
    );
  });

  it('port 70000 in a file names the setting and the file', () => {
    const { dir, file } = withFile('lathe.config.json', '{"server": {"port": 70000}}');
    assertConfigInvalid(
      () => loadConfig({ cwd: dir, env: {} }),
      'server.port',
      file,
      'from 0 to 65535',
      '70000',
    );
  });

  it('port 70000 as a flag', () => {
    assertConfigInvalid(() => load({ flags: { server: { port: 70000 } } }), 'server.port', '65535', '70000');
  });

  it('a port that is not a whole number', () => {
    assertConfigInvalid(() => load({ env: { LATHE_PORT: '80.5' } }), 'LATHE_PORT', 'integer', '"80.5"');
    assertConfigInvalid(() => load({ env: { LATHE_PORT: '  ' } }), 'LATHE_PORT', 'integer');
  });

  it('an unknown key in the file names the key, the file and the valid keys', () => {
    const { dir, file } = withFile('lathe.config.yaml', 'server:\n  prot: 8000\n');
    assertConfigInvalid(
      () => loadConfig({ cwd: dir, env: {} }),
      'unknown setting "server.prot"',
      file,
      /valid settings: .*dataDir/,
      /valid settings: .*server\.port/,
      /valid settings: .*client\.token/,
    );
  });

  it('an unknown top-level key in a JSON file', () => {
    const { dir } = withFile('lathe.config.json', '{"colour": "blue"}');
    assertConfigInvalid(() => loadConfig({ cwd: dir, env: {} }), '"colour"', 'valid settings', 'log.level');
  });

  it('a group that is not an object', () => {
    const { dir } = withFile('lathe.config.yaml', 'server: 8080\n');
    assertConfigInvalid(() => loadConfig({ cwd: dir, env: {} }), 'server', 'expected an object', '8080');
  });

  it('log level "loud" lists the valid levels', () => {
    assertConfigInvalid(
      () => load({ env: { LATHE_LOG_LEVEL: 'loud' } }),
      'LATHE_LOG_LEVEL',
      'one of fatal, error, warn, info, debug, trace, silent',
      '"loud"',
    );
    const { dir } = withFile('lathe.config.yaml', 'log:\n  level: loud\n');
    assertConfigInvalid(() => loadConfig({ cwd: dir, env: {} }), 'log.level', '"loud"');
  });

  it('a string setting given a number', () => {
    const { dir } = withFile('lathe.config.yaml', 'server:\n  host: 10\n');
    assertConfigInvalid(() => loadConfig({ cwd: dir, env: {} }), 'server.host', 'expected a string', '10');
  });

  it('a file that is not valid YAML', () => {
    const { dir, file } = withFile('lathe.config.yaml', 'server: [1, 2\nlog:\n');
    assertConfigInvalid(() => loadConfig({ cwd: dir, env: {} }), file, 'not valid JSON or YAML');
  });

  it('a JSON file with a syntax error', () => {
    const { dir, file } = withFile('lathe.config.json', '{"server": {"port": 8100}');
    assertConfigInvalid(() => loadConfig({ cwd: dir, env: {} }), file, 'not valid JSON or YAML');
  });

  it('a file that holds a list instead of settings', () => {
    const { dir, file } = withFile('lathe.config.yaml', '- a\n- b\n');
    assertConfigInvalid(
      () => loadConfig({ cwd: dir, env: {} }),
      file,
      'must hold an object',
      'an array of 2',
    );
  });

  it('a missing --config file names the path it looked for', () => {
    const dir = freshDir();
    assertConfigInvalid(
      () => loadConfig({ cwd: dir, env: {}, file: 'nope.yaml' }),
      path.join(dir, 'nope.yaml'),
      'does not exist',
    );
  });

  it('a missing LATHE_CONFIG file', () => {
    const dir = freshDir();
    assertConfigInvalid(
      () => loadConfig({ cwd: dir, env: { LATHE_CONFIG: 'gone.json' } }),
      path.join(dir, 'gone.json'),
      'does not exist',
    );
  });
});

describe('maskSecrets', () => {
  const secret = 'lathe_Abc123SuperSecretTokenValue0123456789xyz';
  const sample = (): LatheConfig =>
    load({
      flags: {
        dataDir: '/srv/lathe',
        stores: { meta: 'postgres://lathe:hunter2@db.example.com:5432/lathe', blobs: 'file:/srv/blobs' },
        client: { url: 'http://lathe.example:7007', token: secret },
      },
    }).config;

  it('hides client.token and the password in a postgres URI', () => {
    const config = sample();
    const masked = maskSecrets(config);
    // At most the public prefix that `lathe tokens list` shows (12 characters) may remain.
    assert.ok(!masked.client.token.includes(secret.slice(12)), `token leaked: ${masked.client.token}`);
    assert.ok(masked.client.token.length < secret.length);
    assert.match(masked.client.token, /\*\*\*\*/);
    assert.equal(masked.stores.meta, 'postgres://lathe:****@db.example.com:5432/lathe');
    assert.ok(!JSON.stringify(masked).includes('hunter2'));
  });

  it('leaves every other value as it was, and the input untouched', () => {
    const config = sample();
    const masked = maskSecrets(config);
    assert.deepEqual(
      { ...masked, client: { ...masked.client, token: 'x' }, stores: { ...masked.stores, meta: 'x' } },
      { ...config, client: { ...config.client, token: 'x' }, stores: { ...config.stores, meta: 'x' } },
    );
    assert.equal(masked.stores.blobs, 'file:/srv/blobs');
    assert.equal(masked.client.url, 'http://lathe.example:7007');
    assert.equal(config.client.token, secret);
    assert.equal(config.stores.meta, 'postgres://lathe:hunter2@db.example.com:5432/lathe');
  });

  it('leaves empty secrets empty', () => {
    const masked = maskSecrets(load().config);
    assert.equal(masked.client.token, '');
    assert.equal(masked.stores.meta, '');
  });

  it('reveals nothing of a short token', () => {
    const config = sample();
    const masked = maskSecrets({ ...config, client: { ...config.client, token: 'hunter' } });
    assert.ok(!masked.client.token.includes('hunter'), masked.client.token);
  });
});

describe('maskUri', () => {
  it('masks the password of postgres and postgresql URIs, keeping user, host, port, db and options', () => {
    assert.equal(maskUri('postgres://user:pass@host/db'), 'postgres://user:****@host/db');
    assert.equal(
      maskUri('postgresql://admin:s3cr:et@db.internal:6543/lathe?sslmode=require'),
      'postgresql://admin:****@db.internal:6543/lathe?sslmode=require',
    );
  });

  it('masks a password= parameter', () => {
    assert.equal(
      maskUri('postgres://db/lathe?user=me&password=topsecret&ssl=1'),
      'postgres://db/lathe?user=me&password=****&ssl=1',
    );
  });

  it('leaves URIs without a password unchanged', () => {
    for (const uri of [
      'postgres://user@host:5432/db',
      'postgres://host:5432/db',
      'sqlite:./lathe-data/lathe.db',
      'file:/srv/blobs',
    ]) {
      assert.equal(maskUri(uri), uri);
    }
  });
});

describe('derived values', () => {
  it('derives the store URIs from dataDir when they are not set', () => {
    const { config } = load({ flags: { dataDir: '/srv/lathe' } });
    assert.equal(metaStoreUri(config), `sqlite:${path.join('/srv/lathe', 'lathe.db')}`);
    assert.equal(blobStoreUri(config), `file:${path.join('/srv/lathe', 'blobs')}`);
  });

  it('derives relative store URIs from the default relative dataDir', () => {
    const { config } = load();
    assert.equal(metaStoreUri(config), `sqlite:${path.join('lathe-data', 'lathe.db')}`);
    assert.equal(blobStoreUri(config), `file:${path.join('lathe-data', 'blobs')}`);
  });

  it('keeps explicit store URIs', () => {
    const { config } = load({
      env: {
        LATHE_META_URI: 'postgres://u:p@h/db',
        LATHE_BLOB_URI: 'file:/mnt/blobs',
        LATHE_DATA_DIR: '/srv/lathe',
      },
    });
    assert.equal(metaStoreUri(config), 'postgres://u:p@h/db');
    assert.equal(blobStoreUri(config), 'file:/mnt/blobs');
  });

  it('publicUrl comes from host and port, or the configured URL without a trailing slash', () => {
    assert.equal(publicUrl(load().config), 'http://127.0.0.1:7007');
    assert.equal(
      publicUrl(load({ env: { LATHE_HOST: '0.0.0.0', LATHE_PORT: '9000' } }).config),
      'http://127.0.0.1:9000',
    );
    assert.equal(publicUrl(load({ env: { LATHE_HOST: '::1' } }).config, 4321), 'http://[::1]:4321');
    assert.equal(
      publicUrl(load({ env: { LATHE_PUBLIC_URL: 'https://ml.example.com/lathe/' } }).config),
      'https://ml.example.com/lathe',
    );
  });
});

describe('sources', () => {
  it('reports where each value came from', () => {
    const { dir, file } = withFile(
      'lathe.config.yaml',
      'server:\n  host: 0.0.0.0\n  port: 8100\nlog:\n  level: debug\n',
    );
    const r = loadConfig({
      cwd: dir,
      env: { LATHE_PORT: '8200', LATHE_TOKEN: 'lathe_fromenv' },
      flags: { dataDir: '/flag', client: { url: 'http://flag:1' } },
    });
    assert.equal(r.file, file);
    assert.deepEqual(r.sources, {
      dataDir: 'flag',
      'server.host': 'file',
      'server.port': 'env',
      'server.bodyLimitBytes': 'default',
      'server.artifactLimitBytes': 'default',
      'server.uploadLimitBytes': 'default',
      'server.modelUploadLimitBytes': 'default',
      'server.publicUrl': 'default',
      'server.shutdownTimeoutMs': 'default',
      'auth.enabled': 'default',
      'data.sqlSourceHosts': 'default',
      'data.sqlTimeoutMs': 'default',
      'data.piiSalt': 'default',
      'stores.meta': 'default',
      'stores.blobs': 'default',
      'log.level': 'file',
      'client.url': 'flag',
      'client.token': 'env',
    });
  });

  it('every setting can be set from its environment variable', () => {
    const values: Record<string, string> = {
      LATHE_DATA_DIR: '/d',
      LATHE_HOST: '::',
      LATHE_PORT: '1',
      LATHE_BODY_LIMIT_BYTES: '2048',
      LATHE_ARTIFACT_LIMIT_BYTES: '4096',
      LATHE_UPLOAD_LIMIT_BYTES: '8192',
      LATHE_MODEL_UPLOAD_LIMIT_BYTES: '16384',
      LATHE_PUBLIC_URL: 'http://x',
      LATHE_SHUTDOWN_TIMEOUT_MS: '5',
      LATHE_AUTH: 'off',
      LATHE_SQL_SOURCE_HOSTS: 'db.internal:5432',
      LATHE_SQL_TIMEOUT_MS: '60000',
      LATHE_PII_SALT: 'pepper',
      LATHE_META_URI: 'sqlite:/m.db',
      LATHE_BLOB_URI: 'file:/b',
      LATHE_LOG_LEVEL: 'trace',
      LATHE_URL: 'http://y',
      LATHE_TOKEN: 't',
    };
    assert.deepEqual(Object.keys(values).sort(), settings.map((s) => s.env).sort());
    const r = load({ env: values });
    for (const [key, source] of Object.entries(r.sources)) assert.equal(source, 'env', key);
    assert.deepEqual(r.config, {
      dataDir: '/d',
      server: {
        host: '::',
        port: 1,
        bodyLimitBytes: 2048,
        artifactLimitBytes: 4096,
        uploadLimitBytes: 8192,
        modelUploadLimitBytes: 16384,
        publicUrl: 'http://x',
        shutdownTimeoutMs: 5,
      },
      auth: { enabled: false },
      data: { sqlSourceHosts: 'db.internal:5432', sqlTimeoutMs: 60_000, piiSalt: 'pepper' },
      stores: { meta: 'sqlite:/m.db', blobs: 'file:/b' },
      log: { level: 'trace' },
      client: { url: 'http://y', token: 't' },
    });
  });
});

describe('config edge cases', () => {
  const dir = () => mkdtempSync(path.join(tmpdir(), 'lathe-cfg-edge-'));

  it('accepts only plain decimal integers (no hex, binary or exponents)', () => {
    for (const port of ['0x1F', '0b11', '1e3', '12abc']) {
      assert.throws(
        () => loadConfig({ env: { LATHE_PORT: port }, cwd: dir() }),
        (e: unknown) => isLatheError(e) && e.code === 'CONFIG_INVALID' && e.message.includes('LATHE_PORT'),
        port,
      );
    }
    assert.equal(loadConfig({ env: { LATHE_PORT: ' 8080 ' }, cwd: dir() }).config.server.port, 8080);
  });

  it('never repeats the value of a secret setting in an error', () => {
    const d = dir();
    writeFileSync(path.join(d, 'lathe.config.yaml'), 'client:\n  token: 123456\n');
    assert.throws(
      () => loadConfig({ env: {}, cwd: d }),
      (e: unknown) => isLatheError(e) && /client\.token/.test(e.message) && !e.message.includes('123456'),
    );
  });

  it('keeps the public prefix of a real token and hides the rest', () => {
    const token = `lathe_${'A'.repeat(40)}`;
    const masked = maskSecrets(loadConfig({ env: { LATHE_TOKEN: token }, cwd: dir() }).config);
    assert.equal(masked.client.token, 'lathe_AAAAAA****');
  });

  it('accepts an empty section whose keys are all commented out', () => {
    const d = dir();
    writeFileSync(path.join(d, 'lathe.config.yaml'), 'server:\n  # port: 9000\nlog:\n  level: debug\n');
    const { config } = loadConfig({ env: {}, cwd: d });
    assert.equal(config.server.port, 7007);
    assert.equal(config.log.level, 'debug');
  });
});
