import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { LatheClient } from '../../src/sdk/index.js';
import { assertExit, type CliServer, startCliServer } from '../support/cli-server.js';
import type { ServerProcess } from '../support/server-process.js';

describe('lathe models against a running server', { concurrency: 1 }, () => {
  let cli: CliServer;
  let server: ServerProcess;
  const lathe = (args: string[]) => cli.lathe(args);

  before(async () => {
    cli = await startCliServer();
    server = cli.server;
  });
  after(() => cli?.stop());

  it('registers versions, sets an alias, shows, lists and resolves', async () => {
    const registered = await lathe([
      'models',
      'register',
      'iris',
      '--source',
      's3://models/iris/1',
      '--tag',
      'algo=tree',
      '--json',
    ]);
    assertExit(registered, 0);
    const { modelVersion } = JSON.parse(registered.stdout);
    assert.equal(modelVersion.version, 1);
    assert.deepEqual(modelVersion.tags, [{ key: 'algo', value: 'tree' }]);
    // A second version through the SDK, to keep the number of processes down.
    const sdk = new LatheClient({ url: server.url, token: server.adminToken });
    assert.equal((await sdk.registry.registerModel('iris', { source: 's3://models/iris/2' })).version, 2);

    const alias = await lathe(['models', 'alias', 'iris', 'champion', '1']);
    assertExit(alias, 0);
    assert.equal(alias.stdout, 'iris@champion → version 1\n');

    const [show, list, resolved, showRef] = await Promise.all([
      lathe(['models', 'show', 'iris']),
      lathe(['models', 'list']),
      lathe(['models', 'resolve', 'iris@champion', '--json']),
      lathe(['models', 'show', 'iris@champion', '--json']),
    ]);
    assertExit(show, 0);
    assert.match(show.stdout, /^iris\n/);
    assert.match(show.stdout, /alias champion → version 1/);
    assert.match(show.stdout, /VERSION\s+STAGE\s+ALIASES\s+CREATED\s+SOURCE/);
    assert.match(show.stdout, /^2\s+None\s+-\s+.*s3:\/\/models\/iris\/2$/m);
    assert.match(show.stdout, /^1\s+None\s+champion\s+.*s3:\/\/models\/iris\/1$/m);
    assertExit(list, 0);
    assert.match(list.stdout, /^NAME\s+LATEST\s+ALIASES/);
    assert.match(list.stdout, /^iris\s+2\s+champion→1\s/m);
    assertExit(resolved, 0);
    assert.equal(JSON.parse(resolved.stdout).modelVersion.source, 's3://models/iris/1');
    // `show` takes a reference too, and then shows that version.
    assertExit(showRef, 0);
    assert.equal(JSON.parse(showRef.stdout).modelVersion.version, 1);
  });

  it('fails with exit 1 and the error code for a missing alias, and exit 2 for a bad command line', async () => {
    const [missing, noVersion, badVersion] = await Promise.all([
      lathe(['models', 'resolve', 'iris@gold']),
      lathe(['models', 'alias', 'iris', 'champion']),
      lathe(['models', 'alias', 'iris', 'champion', 'one']),
    ]);
    assertExit(missing, 1);
    assert.match(missing.stderr, /^error NOT_FOUND: .*gold/m);
    assert.equal(missing.stdout, '');
    assertExit(noVersion, 2);
    assert.match(noVersion.stderr, /missing VERSION \(or pass --delete/);
    assertExit(badVersion, 2);
    assert.match(badVersion.stderr, /expected a version number like 3, got "one"/);
  });

  it('deletes an alias with --delete', async () => {
    const run = await lathe(['models', 'alias', 'iris', 'champion', '--delete']);
    assertExit(run, 0);
    assert.equal(run.stdout, 'removed alias champion of iris\n');
    const sdk = new LatheClient({ url: server.url, token: server.adminToken });
    assert.deepEqual((await sdk.registry.getModel('iris')).aliases, []);
  });
});
