/**
 * Streaming CSV for the CLI's local batch scoring: records out of a byte stream (RFC 4180 quotes,
 * doubled quotes, CRLF, a leading BOM), and values back into CSV text.
 */

/** The records of a CSV stream, each a list of field strings, header first. */
export async function* csvRecords(
  stream: AsyncIterable<Buffer | string>,
  delimiter = ',',
): AsyncGenerator<string[]> {
  const decoder = new TextDecoder();
  let field = '';
  let record: string[] = [];
  let quoted = false;
  let afterQuote = false;
  let first = true;
  let pending = '';
  for await (const chunk of stream) {
    let text = pending + (typeof chunk === 'string' ? chunk : decoder.decode(chunk, { stream: true }));
    pending = '';
    if (first) {
      if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
      first = false;
    }
    const out: string[][] = [];
    for (let i = 0; i < text.length; i++) {
      const c = text[i]!;
      if (quoted) {
        if (c !== '"') field += c;
        else if (i + 1 === text.length) {
          // A quote at the chunk's end: wait for the next chunk to know if it is doubled.
          pending = '"';
        } else if (text[i + 1] === '"') {
          field += '"';
          i++;
        } else {
          quoted = false;
          afterQuote = true;
        }
      } else if (c === '"' && field === '' && !afterQuote) quoted = true;
      else if (c === delimiter) {
        record.push(field);
        field = '';
        afterQuote = false;
      } else if (c === '\n' || c === '\r') {
        if (c === '\r' && text[i + 1] === '\n') i++;
        record.push(field);
        if (!(record.length === 1 && record[0] === '')) out.push(record);
        record = [];
        field = '';
        afterQuote = false;
      } else field += c;
    }
    for (const r of out) yield r;
  }
  if (pending === '"') quoted = false;
  if (field !== '' || record.length) {
    record.push(field);
    yield record;
  }
}

/** One CSV field: quoted when it holds the delimiter, a quote or a line break; null as empty. */
export function csvField(value: unknown): string {
  if (value === null || value === undefined) return '';
  const s = typeof value === 'number' && Number.isNaN(value) ? '' : String(value);
  return /[",\r\n]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
}
