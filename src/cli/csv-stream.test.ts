import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { csvField, csvRecords } from './csv-stream.js';

async function records(chunks: string[]): Promise<string[][]> {
  const out: string[][] = [];
  for await (const r of csvRecords(
    (async function* () {
      for (const c of chunks) yield Buffer.from(c);
    })(),
  ))
    out.push(r);
  return out;
}

describe('streaming CSV', () => {
  it('reads quotes, doubled quotes, line breaks in fields and CRLF, across any chunk boundary', async () => {
    const text = '\ufeffid,name,note\r\n1,"Smith, J","said ""hi""\nthen left"\r\n2,,plain\n3,x,""\n';
    const want = [
      ['id', 'name', 'note'],
      ['1', 'Smith, J', 'said "hi"\nthen left'],
      ['2', '', 'plain'],
      ['3', 'x', ''],
    ];
    assert.deepEqual(await records([text]), want);
    for (let cut = 1; cut < text.length; cut++)
      assert.deepEqual(await records([text.slice(0, cut), text.slice(cut)]), want, `cut at ${cut}`);
    assert.deepEqual(await records(['a,b\n1,2']), [
      ['a', 'b'],
      ['1', '2'],
    ]);
  });

  it('writes fields that read back the same', async () => {
    const values = ['plain', 'a,b', 'say "x"', 'two\nlines', 3.25, null, Number.NaN, true];
    const line = `${values.map(csvField).join(',')}\n`;
    assert.deepEqual(await records([line]), [
      ['plain', 'a,b', 'say "x"', 'two\nlines', '3.25', '', '', 'true'],
    ]);
  });
});
