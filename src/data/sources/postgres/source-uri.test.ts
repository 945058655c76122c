import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { LatheError } from '../../../core/index.js';
import { columnKind, parseArray } from './postgres-types.js';
import { checkAllowedHost, parseSourceUri, scrubPassword } from './source-uri.js';

const error = (fn: () => unknown): LatheError => {
  try {
    fn();
  } catch (err) {
    assert.ok(err instanceof LatheError);
    return err;
  }
  return assert.fail('expected an error');
};

describe('parseSourceUri', () => {
  it('takes a URI apart and displays it without the password', () => {
    const u = parseSourceUri('postgresql://ana:s%40cr%3At@db.internal:6543/sales?sslmode=require');
    assert.deepEqual(
      { ...u },
      {
        host: 'db.internal',
        port: 6543,
        user: 'ana',
        password: 's@cr:t',
        database: 'sales',
        ssl: { rejectUnauthorized: false },
        applicationName: 'lathe',
        display: 'postgres://ana@db.internal:6543/sales?sslmode=require',
      },
    );
    const d = parseSourceUri('postgres://bob@[::1]');
    assert.equal(d.host, '::1');
    assert.equal(d.database, 'bob', 'the database defaults to the user');
    assert.equal(d.display, 'postgres://bob@[::1]:5432/bob');
    assert.equal(d.ssl, false);
    assert.deepEqual(parseSourceUri('postgres://a@h/d?sslmode=verify-full').ssl, {
      rejectUnauthorized: true,
    });
  });

  it('refuses what it cannot use, never echoing the URI', () => {
    const secret = 'hunter2-secret';
    const cases: [string, RegExp][] = [
      [`mysql://u:${secret}@h/d`, /the scheme is "mysql:", expected postgres: or postgresql:/],
      [`postgres://u:${secret}@/d`, /cannot be parsed/],
      ['postgres:///d', /names no host/],
      [`postgres://:${secret}@h/d`, /names no user/],
      [
        `postgres://u:${secret}@h/d?sslcert=/etc/passwd`,
        /parameter "sslcert" is not supported; supported: sslmode, application_name/,
      ],
      [`postgres://u@h/d?password=${secret}`, /parameter "password" is not supported/],
      [`postgres://u:${secret}@h/d?sslmode=maybe`, /sslmode must be one of/],
      [`postgres://u:${secret}@h:99999/d`, /cannot be parsed/],
      [`postgres://u:${secret}%zz@h/d`, /password is not valid percent-encoding/],
      [`postgres://u:${secret}@h/d/e`, /database name holds a "\/"/],
      ['', /got none/],
    ];
    for (const [uri, message] of cases) {
      const err = error(() => parseSourceUri(uri));
      assert.equal(err.code, 'INVALID_ARGUMENT');
      assert.match(err.message, message);
      assert.ok(!err.message.includes(secret), err.message);
    }
  });
});

describe('checkAllowedHost', () => {
  const at = (host: string, port = 5432) => ({ host, port });
  it('allows listed hosts, host:port pairs, subdomain wildcards and *', () => {
    checkAllowedHost(at('DB.internal'), ['db.internal']);
    checkAllowedHost(at('db.internal', 6543), ['other', 'db.internal:6543']);
    checkAllowedHost(at('a.corp.example'), ['*.corp.example']);
    checkAllowedHost(at('::1'), ['[::1]:5432']);
    checkAllowedHost(at('anything'), ['*']);
  });

  it('refuses others with DATA_SOURCE_FORBIDDEN naming the setting', () => {
    const off = error(() => checkAllowedHost(at('db.internal'), []));
    assert.equal(off.code, 'DATA_SOURCE_FORBIDDEN');
    assert.match(
      off.message,
      /SQL sources are turned off on this server.*data\.sqlSourceHosts \(LATHE_SQL_SOURCE_HOSTS\)/,
    );
    const other = error(() => checkAllowedHost(at('169.254.169.254', 80), ['db.internal', '*.corp.example']));
    assert.match(
      other.message,
      /may not connect to 169\.254\.169\.254:80: it is not in data\.sqlSourceHosts; allowed: db\.internal, \*\.corp\.example/,
    );
    error(() => checkAllowedHost(at('db.internal', 6543), ['db.internal:5432']));
    error(() => checkAllowedHost(at('evilcorp.example'), ['*.corp.example']));
  });
});

describe('scrubPassword', () => {
  it('hides the password as given and percent-encoded', () => {
    assert.equal(scrubPassword('x p@ss y p%40ss z', 'p@ss'), 'x **** y **** z');
    assert.equal(scrubPassword('unchanged', ''), 'unchanged');
  });
});

describe('columnKind and parseArray', () => {
  it('maps type OIDs, following domains and arrays through pg_type rows', () => {
    assert.deepEqual(columnKind(1184), { type: 'TIMESTAMP', kind: 'timestamp' });
    assert.deepEqual(columnKind(99999), { type: 'VARCHAR', kind: 'string' });
    const lookup = new Map([
      [70001, { oid: 70001, category: 'N', element: 0, base: 20 }],
      [70002, { oid: 70002, category: 'A', element: 23, base: 0 }],
      [70003, { oid: 70003, category: 'A', element: 70004, base: 0 }],
      [70004, { oid: 70004, category: 'E', element: 0, base: 0 }],
    ]);
    assert.equal(columnKind(70001, lookup).type, 'BIGINT', 'a domain over int8');
    assert.deepEqual(columnKind(70002, lookup), { type: 'VARCHAR', kind: 'array', element: 'integer' });
    assert.deepEqual(columnKind(70003, lookup), { type: 'VARCHAR', kind: 'array', element: 'string' });
  });

  it('parses PostgreSQL array text into nested arrays of typed elements', () => {
    assert.deepEqual(parseArray('{1,NULL,-3.5,NaN}', 'float'), [1, null, -3.5, 'NaN']);
    assert.deepEqual(parseArray('{{"a b","c\\"d"},{NULL,"NULL"}}', 'string'), [
      ['a b', 'c"d'],
      [null, 'NULL'],
    ]);
    assert.deepEqual(parseArray('[0:1]={t,f}', 'boolean'), [true, false]);
    assert.deepEqual(parseArray('{}', 'integer'), []);
    assert.deepEqual(parseArray('{"{\\"x\\": 1}"}', 'json'), [{ x: 1 }]);
  });
});
