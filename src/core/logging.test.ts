import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { describe, it } from 'node:test';
import { createLogger, LazyChildLogger } from './logging.js';

/** A logger at `level` whose lines land in the returned list. */
function capture(level: 'warn' | 'info') {
  const lines: Record<string, unknown>[] = [];
  const sink = new Writable({
    write(chunk, _enc, done) {
      for (const l of String(chunk).split('\n')) if (l) lines.push(JSON.parse(l) as Record<string, unknown>);
      done();
    },
  });
  return { logger: createLogger(level, sink), lines };
}

describe('request loggers made on first use', () => {
  it('log with their bindings, redacted, and make no child for messages below the level', async () => {
    const { logger, lines } = capture('warn');
    let children = 0;
    const child = logger.child.bind(logger);
    logger.child = ((...a: Parameters<typeof child>) => {
      children++;
      return child(...a);
    }) as typeof logger.child;
    const log = new LazyChildLogger(logger, { reqId: 'r-1' });
    log.info('not at this level');
    log.debug({ a: 1 }, 'nor this');
    assert.equal(children, 0, 'no child made for dropped messages');
    assert.equal(log.level, 'warn');
    assert.equal(log.isLevelEnabled('info'), false);
    log.warn({ req: { headers: { authorization: 'Bearer secret' } } }, 'slow request');
    log.error('failed');
    await new Promise((r) => setImmediate(r));
    assert.equal(children, 1, 'one child, made on the first message logged');
    assert.deepEqual(
      lines.map((l) => [l.msg, l.reqId]),
      [
        ['slow request', 'r-1'],
        ['failed', 'r-1'],
      ],
    );
    assert.equal(
      (lines[0]!.req as { headers: { authorization: string } }).headers.authorization,
      '[redacted]',
    );
  });

  it('take a level of their own (a route log level) at once', async () => {
    const { logger, lines } = capture('warn');
    const log = new LazyChildLogger(logger, { reqId: 'r-2' }, { level: 'info' });
    assert.equal(log.level, 'info');
    log.info('kept');
    await new Promise((r) => setImmediate(r));
    assert.deepEqual(
      lines.map((l) => l.msg),
      ['kept'],
    );
  });
});
