import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { BACKGROUND_NICENESS, BackgroundEngine, idlePolicyLauncher, TableEngine } from './index.js';

/** A field of /proc/PID/task/TID/stat of every thread of process `pid` (Linux), by its number. */
function threadStat(pid: number, field: number): number[] {
  return readdirSync(`/proc/${pid}/task`).map((tid) => {
    const stat = readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8');
    // Fields after the command name, from the state (field 3).
    return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[field - 3]);
  });
}
/** The nice value (field 19) of every thread of process `pid`. */
const threadNiceness = (pid: number) => threadStat(pid, 19);
/** The scheduling policy (field 41) of every thread of process `pid`. */
const threadPolicy = (pid: number) => threadStat(pid, 41);
const SCHED_OTHER = 0;
const SCHED_IDLE = 5;

describe('BackgroundEngine: SQL in a low-priority child process', () => {
  let dir: string;
  let engine: BackgroundEngine;
  before(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'lathe-bg-'));
    engine = new BackgroundEngine();
  });
  after(async () => {
    await engine.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('starts at the first query and answers rows; writes files the parent reads', async () => {
    assert.equal(engine.pid, null);
    const rows = await engine.query<{ n: number; s: string }>("select 42 as n, 'x' as s");
    assert.deepEqual(rows, [{ n: 42, s: 'x' }]);
    assert.notEqual(engine.pid, process.pid);
    const out = path.join(dir, 'out.parquet');
    await engine.query(`copy (select range as i from range(1000)) to '${out}' (format parquet)`);
    const local = await TableEngine.create({ threads: 1 });
    try {
      const [sum] = await local.query<{ s: number }>(
        `select sum(i)::double as s from read_parquet('${out}')`,
      );
      assert.equal(sum?.s, 499_500);
    } finally {
      await local.close();
    }
  });

  it('runs every thread of the child at the lowest priority', {
    skip: !existsSync('/proc/self/task'),
  }, async () => {
    await engine.query('select 1');
    const nice = threadNiceness(engine.pid!);
    assert.ok(nice.length > 1, 'the child has its threads');
    assert.deepEqual(new Set(nice), new Set([BACKGROUND_NICENESS]));
  });

  it('runs every thread of the child under SCHED_IDLE where chrt can set it, and this process as it was', {
    skip: !existsSync('/proc/self/task'),
  }, async () => {
    await engine.query('select 2');
    const policies = new Set(threadPolicy(engine.pid!));
    if (idlePolicyLauncher()) assert.deepEqual(policies, new Set([SCHED_IDLE]));
    else assert.deepEqual(policies, new Set([SCHED_OTHER]));
    assert.deepEqual(new Set(threadPolicy(process.pid)), new Set([SCHED_OTHER]));
  });

  it('fails a bad query with the SQL error, and keeps answering', async () => {
    await assert.rejects(engine.query('select * from no_such_table'), (err: Error & { code?: string }) => {
      assert.equal(err.code, 'TABLE_QUERY_FAILED');
      assert.match(err.message, /no_such_table/);
      return true;
    });
    assert.deepEqual(await engine.query('select 2 as n'), [{ n: 2 }]);
  });

  it('fails the queries in flight when the child dies, and starts a new child for the next', async () => {
    await engine.query('select 1');
    const first = engine.pid!;
    const pending = engine.query('select count(*) as n from range(2000000000)');
    process.kill(first, 'SIGKILL');
    await assert.rejects(pending, /background table engine exited/);
    assert.deepEqual(await engine.query('select 3 as n'), [{ n: 3 }]);
    assert.notEqual(engine.pid, first);
  });

  it('stops its child on close and refuses queries after', async () => {
    const e = new BackgroundEngine();
    await e.query('select 1');
    const pid = e.pid!;
    await e.close();
    assert.equal(
      existsSync(`/proc/${pid}`) && !readFileSync(`/proc/${pid}/stat`, 'utf8').includes(') Z'),
      false,
    );
    await assert.rejects(e.query('select 1'), /closed/);
  });
});
