import type { LatheClient } from '../../../../src/sdk/index.js';

/** Larger files are not previewed (only offered for download). */
export const previewLimitBytes = 5 * 1024 * 1024;

export type PreviewKind = 'text' | 'json' | 'csv' | 'image' | 'none';

const byExtension: Record<string, PreviewKind> = {
  txt: 'text',
  log: 'text',
  md: 'text',
  yaml: 'text',
  yml: 'text',
  py: 'text',
  toml: 'text',
  ini: 'text',
  cfg: 'text',
  sh: 'text',
  json: 'json',
  csv: 'csv',
  tsv: 'csv',
  png: 'image',
  jpg: 'image',
  jpeg: 'image',
  gif: 'image',
  webp: 'image',
};

/** How an artifact is previewed, from its extension (MLmodel and similar plain names are text). */
export function previewKind(path: string): PreviewKind {
  const name = path.split('/').pop() ?? path;
  if (name === 'MLmodel' || name === 'requirements.txt' || name === 'conda.yaml') return 'text';
  const dot = name.lastIndexOf('.');
  if (dot < 0) return 'none';
  return byExtension[name.slice(dot + 1).toLowerCase()] ?? 'none';
}

/** Saves an artifact file as a download (fetched with the token, then handed to the browser). */
export async function downloadArtifact(client: LatheClient, runId: string, path: string): Promise<void> {
  const blob = await client.tracking.fetchArtifact(runId, path);
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = path.split('/').pop() || 'artifact';
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/**
 * Parses CSV (RFC 4180: quoted fields, doubled quotes, CRLF) up to `maxRows` rows; `delimiter` is
 * `,` or a tab. Returns the rows and whether more followed.
 */
export function parseCsv(
  text: string,
  maxRows: number,
  delimiter = ',',
): { rows: string[][]; truncated: boolean } {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  let i = 0;
  while (i < text.length) {
    const ch = text[i]!;
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        field += '"';
        i += 2;
        continue;
      }
      if (ch === '"') quoted = false;
      else field += ch;
      i++;
      continue;
    }
    if (ch === '"' && field === '') quoted = true;
    else if (ch === delimiter) {
      row.push(field);
      field = '';
    } else if (ch === '\n' || ch === '\r') {
      if (ch === '\r' && text[i + 1] === '\n') i++;
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
      if (rows.length > maxRows) return { rows: rows.slice(0, maxRows), truncated: true };
    } else field += ch;
    i++;
  }
  if (field !== '' || row.length > 0) {
    row.push(field);
    rows.push(row);
  }
  return { rows: rows.slice(0, maxRows), truncated: rows.length > maxRows };
}
