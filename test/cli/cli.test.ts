import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { parse as parseYaml } from 'yaml';
import { assertExit, type CliRun, cleanEnv } from '../support/cli-server.js';
import { runCliProcess, type ServerProcess, startServerProcess } from '../support/server-process.js';

const repoRoot = path.resolve(import.meta.dirname, '../..');
const { version } = JSON.parse(readFileSync(path.join(repoRoot, 'package.json'), 'utf8')) as {
  version: string;
};

let root: string;
let counter = 0;

/** A fresh working directory for one CLI run. */
function workDir(): string {
  const dir = path.join(root, `cwd-${++counter}`);
  mkdirSync(dir);
  return dir;
}

/** Runs `lathe ARGS` in `cwd` (a fresh directory by default) with a clean LATHE_* environment plus `env`. */
function lathe(args: string[], env: Record<string, string> = {}, cwd = workDir()): Promise<CliRun> {
  return runCliProcess(args, { ...cleanEnv, ...env }, cwd);
}

/** Parses stdout as JSON after checking the command succeeded. */
function json<T>(run: CliRun): T {
  assertExit(run, 0);
  return JSON.parse(run.stdout) as T;
}

interface TokenJson {
  id: string;
  name: string;
  userName: string;
  scopes: string[];
  expiresAt: string | null;
  revokedAt: string | null;
}

before(() => {
  root = mkdtempSync(path.join(tmpdir(), 'lathe-cli-test-'));
});

after(() => {
  rmSync(root, { recursive: true, force: true });
});

describe('lathe CLI without a server', { concurrency: 3 }, () => {
  it('--help lists the commands and global options and exits 0', async () => {
    const run = await lathe(['--help']);
    assertExit(run, 0);
    for (const command of ['config', 'db', 'server', 'tokens', 'users', 'version']) {
      assert.match(run.stdout, new RegExp(`^\\s+${command}\\b`, 'm'), `--help lacks ${command}`);
    }
    for (const option of ['--url', '--token', '--json', '--config'])
      assert.ok(run.stdout.includes(option), option);
  });

  it('version prints the package version, as text and as JSON', async () => {
    const [text, asJson] = await Promise.all([lathe(['version']), lathe(['version', '--json'])]);
    assertExit(text, 0);
    assert.equal(text.stdout, `lathe ${version}\n`);
    assert.deepEqual(json(asJson), { version });
  });

  it('an unknown command exits 2 and says so', async () => {
    const run = await lathe(['bogus']);
    assertExit(run, 2);
    assert.match(run.stderr, /unknown command 'bogus'/);
    assert.match(run.stderr, /--help/);
    assert.equal(run.stdout, '');
  });

  it('a bad option value exits 2, naming the option, the valid values and the value', async () => {
    const run = await lathe(['tokens', 'create', 'x', '--scope', 'root']);
    assertExit(run, 2);
    assert.match(run.stderr, /--scope/);
    assert.match(run.stderr, /read, write, admin or predict:ENDPOINT/);
    assert.match(run.stderr, /"root"/);
  });

  describe('config show', { concurrency: 2 }, () => {
    const tokenSecret = 'lathe_Zx9TopSecretTokenFromTheConfigFile0123456';
    let dir: string;
    let file: string;
    const env = { LATHE_PORT: '8200', LATHE_META_URI: 'postgres://bob:hunter2@db.example:5432/lathe' };

    before(() => {
      dir = workDir();
      file = path.join(dir, 'team.yaml');
      writeFileSync(
        file,
        `server:\n  port: 8100\n  host: 0.0.0.0\nlog:\n  level: debug\nclient:\n  token: ${tokenSecret}\n`,
      );
    });

    it('merges file < env < flag and masks the token and the postgres password', async () => {
      const dataDir = path.join(dir, 'data');
      const run = await lathe(
        ['config', 'show', '--config', file, '--url', 'http://flag.example:9', '--data-dir', dataDir],
        env,
        dir,
      );
      assertExit(run, 0);
      assert.ok(!run.stdout.includes('hunter2'), 'postgres password printed');
      assert.ok(!run.stdout.includes(tokenSecret.slice(12)), 'token printed');
      assert.match(
        run.stdout,
        new RegExp(`^# config file: ${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`, 'm'),
      );
      assert.match(run.stdout, /^# set by: .*server\.port=env/m);
      assert.match(run.stdout, /^# set by: .*server\.host=file/m);
      assert.match(run.stdout, /^# set by: .*client\.url=flag/m);
      const shown = parseYaml(run.stdout) as Record<string, Record<string, unknown>>;
      assert.equal(shown.dataDir, dataDir);
      assert.equal(shown.server!.port, 8200, 'env beats file');
      assert.equal(shown.server!.host, '0.0.0.0', 'file beats default');
      assert.equal(shown.log!.level, 'debug');
      assert.equal(shown.client!.url, 'http://flag.example:9', 'flag beats default');
      assert.match(String(shown.client!.token), /\*\*\*\*$/);
      assert.equal(shown.stores!.meta, 'postgres://bob:****@db.example:5432/lathe');
      assert.equal(shown.stores!.blobs, `file:${path.join(dataDir, 'blobs')}`, 'derived from the data dir');
    });

    it('--json gives the config, where each value came from and the file', async () => {
      const run = await lathe(
        ['config', 'show', '--json', '--config', file, '--token', 'lathe_FlagTokenWinsOverTheFile987654321'],
        env,
        dir,
      );
      const out = json<{
        config: { server: { port: number }; client: { token: string }; stores: { meta: string } };
        sources: Record<string, string>;
        file: string;
      }>(run);
      assert.ok(!run.stdout.includes('hunter2'));
      assert.ok(!run.stdout.includes('FlagTokenWins'));
      assert.equal(out.file, file);
      assert.equal(out.config.server.port, 8200);
      assert.equal(out.config.stores.meta, 'postgres://bob:****@db.example:5432/lathe');
      assert.equal(out.sources['server.port'], 'env');
      assert.equal(out.sources['server.host'], 'file');
      assert.equal(out.sources['client.token'], 'flag');
      assert.equal(out.sources['stores.meta'], 'env');
      assert.equal(out.sources['server.bodyLimitBytes'], 'default');
    });
  });

  it('a bad setting in the environment exits 1 with CONFIG_INVALID naming the variable', async () => {
    const run = await lathe(['config', 'show'], { LATHE_PORT: 'abc' });
    assertExit(run, 1);
    assert.match(
      run.stderr,
      /^error CONFIG_INVALID: environment variable LATHE_PORT: expected an integer from 0 to 65535, got the string "abc"$/m,
    );
  });

  describe('db status and db upgrade', { concurrency: 1 }, () => {
    let dataDir: string;
    before(() => {
      dataDir = path.join(workDir(), 'data');
    });

    it('db status on a new data dir shows the pending migrations', async () => {
      const run = await lathe(['db', 'status', '--data-dir', dataDir]);
      assertExit(run, 0);
      assert.match(run.stdout, /schema version 0 of \d+/);
      assert.match(run.stdout, /^pending 1 \S+/m);
    });

    it('db upgrade --json applies them', async () => {
      const out = json<{
        store: string;
        current: number;
        latest: number;
        applied: { version: number; name: string }[];
      }>(await lathe(['db', 'upgrade', '--json', '--data-dir', dataDir]));
      assert.equal(out.store, `sqlite:${path.join(dataDir, 'lathe.db')}`);
      assert.ok(out.applied.length >= 1);
      assert.equal(out.applied[0]!.version, 1);
      assert.equal(out.current, out.latest);
      assert.ok(existsSync(path.join(dataDir, 'lathe.db')));
    });

    it('a second db upgrade says the store is up to date', async () => {
      const run = await lathe(['db', 'upgrade', '--data-dir', dataDir]);
      assertExit(run, 0);
      assert.match(run.stdout, /is up to date \(schema version \d+\)/);
      assert.doesNotMatch(run.stdout, /applied/);
    });

    it('db status --json then shows nothing pending', async () => {
      const out = json<{ current: number; latest: number; pending: unknown[] }>(
        await lathe(['db', 'status', '--json', '--data-dir', dataDir]),
      );
      assert.deepEqual(out.pending, []);
      assert.equal(out.current, out.latest);
    });
  });

  it('an unknown metadata store scheme exits 1 with STORE_URI_INVALID and names the valid schemes', async () => {
    const run = await lathe(['db', 'status', '--meta-uri', 'mysql://x']);
    assertExit(run, 1);
    assert.match(run.stderr, /^error STORE_URI_INVALID: .*"mysql:"/m);
    for (const scheme of ['sqlite:', 'postgres://', 'postgresql://'])
      assert.ok(run.stderr.includes(scheme), scheme);
  });

  it('finds lathe.config.yaml in the working directory and resolves a relative data dir against it', async () => {
    const dir = workDir();
    writeFileSync(path.join(dir, 'lathe.config.yaml'), 'dataDir: ./from-file\n');
    const out = json<{ store: string }>(await lathe(['db', 'upgrade', '--json'], {}, dir));
    assert.equal(out.store, `sqlite:${path.join('from-file', 'lathe.db')}`);
    assert.ok(existsSync(path.join(dir, 'from-file', 'lathe.db')));
  });

  it('an unreachable server gives UNAVAILABLE with a hint', async () => {
    const run = await lathe(['tokens', 'list', '--url', 'http://127.0.0.1:1', '--token', 'lathe_whatever']);
    assertExit(run, 1);
    assert.match(run.stderr, /^error UNAVAILABLE: .*http:\/\/127\.0\.0\.1:1/m);
    assert.match(run.stderr, /^hint: is the server running\?/m);
  });
});

describe('lathe CLI against a running server', { concurrency: 1 }, () => {
  let server: ServerProcess;
  let restarted: ServerProcess | undefined;
  let dataDir: string;
  let admin: string;
  let ci: { token: TokenJson; secret: string };
  const at = (env: Record<string, string> = {}) => ({ LATHE_URL: server.url, ...env });

  before(async () => {
    server = await startServerProcess({ keepData: true });
    dataDir = server.dataDir;
    assert.ok(server.adminToken, `the server printed no admin token:\n${server.output()}`);
    admin = server.adminToken;
  });

  after(async () => {
    await server.stop();
    await restarted?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('tokens list without a token exits 1 with UNAUTHENTICATED and a hint', async () => {
    const run = await lathe(['tokens', 'list'], at());
    assertExit(run, 1);
    assert.match(run.stderr, /^error UNAUTHENTICATED: /m);
    assert.match(run.stderr, /^hint: pass --token or set LATHE_TOKEN/m);
  });

  it('tokens list --token <admin> lists the bootstrap token', async () => {
    const run = await lathe(['tokens', 'list', '--token', admin], at());
    assertExit(run, 0);
    const [header, ...rows] = run.stdout.trimEnd().split('\n');
    assert.match(header!, /^ID\s+NAME\s+USER\s+PREFIX\s+SCOPES/);
    assert.equal(rows.length, 1, run.stdout);
    assert.match(rows[0]!, /^tok_\S+\s+bootstrap\s+admin\s+\S+…\s+read,write,admin\s.*active$/);
    assert.ok(!run.stdout.includes(admin), 'the secret itself is never listed');
  });

  it('tokens create --scope read --expires-in-days 2 --json returns a secret that works', async () => {
    const startedAt = Date.now();
    ci = json(
      await lathe(
        ['tokens', 'create', 'ci', '--scope', 'read', '--expires-in-days', '2', '--json', '--token', admin],
        at(),
      ),
    );
    assert.match(ci.secret, /^lathe_/);
    assert.equal(ci.token.name, 'ci');
    assert.equal(ci.token.userName, 'admin');
    assert.deepEqual(ci.token.scopes, ['read']);
    const expires = Date.parse(ci.token.expiresAt ?? '');
    assert.ok(
      expires > startedAt + 47 * 3_600_000 && expires < Date.now() + 49 * 3_600_000,
      ci.token.expiresAt ?? 'no expiry',
    );

    const list = json<{ tokens: TokenJson[] }>(
      await lathe(['tokens', 'list', '--json'], at({ LATHE_TOKEN: ci.secret })),
    );
    assert.deepEqual(list.tokens.map((t) => t.name).sort(), ['bootstrap', 'ci']);
  });

  it('a read-only token cannot create users', async () => {
    const run = await lathe(['users', 'create', 'eve', '--role', 'viewer'], at({ LATHE_TOKEN: ci.secret }));
    assertExit(run, 1);
    assert.match(run.stderr, /^error PERMISSION_DENIED: .*admin/m);
  });

  it('an admin creates bob as an editor and users list shows him', async () => {
    const created = await lathe(['users', 'create', 'bob', '--role', 'editor', '--token', admin], at());
    assertExit(created, 0);
    assert.match(created.stdout, /^created user bob \(editor\) usr_\S+$/m);
    const list = await lathe(['users', 'list', '--token', admin], at());
    assertExit(list, 0);
    assert.match(list.stdout, /^usr_\S+\s+bob\s+editor\s/m);
    assert.match(list.stdout, /^usr_\S+\s+admin\s+admin\s/m);
  });

  it('an admin creates a token for bob with --user', async () => {
    const out = json<{ token: TokenJson; secret: string }>(
      await lathe(['tokens', 'create', 'x', '--user', 'bob', '--json', '--token', admin], at()),
    );
    assert.equal(out.token.userName, 'bob');
    assert.deepEqual(out.token.scopes, ['read', 'write'], "the default scopes are the owner's role");
    assert.match(out.secret, /^lathe_/);
  });

  it('tokens revoke makes the token fail with TOKEN_REVOKED', async () => {
    const revoked = await lathe(['tokens', 'revoke', ci.token.id, '--token', admin], at());
    assertExit(revoked, 0);
    assert.equal(revoked.stdout, `revoked token ${ci.token.id} "ci" of admin\n`);
    const run = await lathe(['tokens', 'list'], at({ LATHE_TOKEN: ci.secret }));
    assertExit(run, 1);
    assert.match(run.stderr, new RegExp(`^error TOKEN_REVOKED: token ${ci.token.id} was revoked`, 'm'));
    assert.match(run.stderr, /^hint: create a new token/m);
  });

  it('tokens create --local works on the data dir of a stopped server, and the token works after a restart', async () => {
    assert.equal(await server.stop(), 0, server.output());
    const rescue = json<{ token: TokenJson; secret: string }>(
      await lathe(['tokens', 'create', 'rescue', '--local', '--json', '--data-dir', dataDir]),
    );
    assert.equal(rescue.token.name, 'rescue');
    assert.equal(rescue.token.userName, 'admin');
    assert.match(rescue.secret, /^lathe_/);

    restarted = await startServerProcess({ dataDir });
    assert.equal(restarted.adminToken, null, 'no second bootstrap token on a used data dir');
    const list = json<{ tokens: TokenJson[] }>(
      await lathe(['tokens', 'list', '--json'], { LATHE_URL: restarted.url, LATHE_TOKEN: rescue.secret }),
    );
    const byName = new Map(list.tokens.map((t) => [t.name, t]));
    assert.deepEqual([...byName.keys()].sort(), ['bootstrap', 'ci', 'rescue']);
    assert.notEqual(byName.get('ci')!.revokedAt, null, 'the revocation survived the restart');
  });
});
