import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { LatheError } from '../../../core/index.js';
import { singleStatement } from './sql-statement.js';

const refusal = (text: unknown): string => {
  try {
    singleStatement(text);
  } catch (err) {
    assert.ok(err instanceof LatheError);
    assert.equal(err.code, 'INVALID_ARGUMENT');
    return err.message;
  }
  return assert.fail(`accepted ${JSON.stringify(text)}`);
};

describe('singleStatement', () => {
  it('answers one reading statement without its trailing ";" and what follows it', () => {
    assert.equal(singleStatement('select 1'), 'select 1');
    assert.equal(singleStatement('  SELECT 1 ;  \n'), '  SELECT 1');
    assert.equal(singleStatement('select 1; -- the end\n/* really */ ;;'), 'select 1');
    assert.equal(
      singleStatement('WITH a AS (SELECT 1) SELECT * FROM a'),
      'WITH a AS (SELECT 1) SELECT * FROM a',
    );
    assert.equal(singleStatement('values (1), (2)'), 'values (1), (2)');
    assert.equal(singleStatement('TABLE customers'), 'TABLE customers');
    assert.equal(
      singleStatement('-- note\n/* a /* nested */ one */ ((select 1))'),
      '-- note\n/* a /* nested */ one */ ((select 1))',
    );
  });

  it('skips ";" inside strings, identifiers, dollar quotes and comments', () => {
    for (const q of [
      "select ';' as a",
      "select 'it''s; fine'",
      "select E'a\\'; b'",
      'select 1 as ";"',
      'select $$;$$, $tag$ ; $$ ; $tag$',
      'select 1 -- ; not a separator\n, 2',
      'select /* ; */ 1',
      'select $1::int',
    ])
      assert.equal(singleStatement(q), q);
  });

  it('refuses a second statement and says a trailing ";" is fine', () => {
    assert.match(
      refusal('select 1; drop table users'),
      /must be one statement, but more SQL follows the ';' at character 9 \(character 11: "drop table users"\); a trailing ";" is allowed/,
    );
    assert.match(refusal("select ';'; commit"), /follows the ';' at character 11/);
    assert.match(refusal('select 1;\n-- c\nselect 2'), /more SQL follows/);
  });

  it('refuses statements that do not read rows, naming the first word', () => {
    assert.match(
      refusal('insert into t values (1)'),
      /starts with SELECT, WITH, VALUES or TABLE\); this one starts with "INSERT"/,
    );
    assert.match(refusal('  /* x */ drop table t'), /starts with "DROP"/);
    assert.match(refusal('copy t to stdout'), /"COPY"/);
    assert.match(refusal('explain select 1'), /"EXPLAIN"/);
  });

  it('refuses empty text, unterminated quotes and comments, and non-strings', () => {
    assert.match(refusal(''), /the query is empty/);
    assert.match(refusal(' ; '), /the query is empty/);
    assert.match(refusal('-- only a comment'), /the query is empty/);
    assert.match(refusal("select 'abc"), /unterminated string starting at character 8/);
    assert.match(refusal('select "abc'), /unterminated quoted identifier/);
    assert.match(refusal('select $q$ abc'), /unterminated dollar-quoted string/);
    assert.match(refusal('select /* abc'), /unterminated comment/);
    assert.match(refusal(42), /query must be a string of SQL; got the number 42/);
  });
});
