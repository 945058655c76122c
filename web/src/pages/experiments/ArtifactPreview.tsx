import { useEffect, useState } from 'react';
import { Alert, Loading } from '../../components/ui.js';
import { errorMessage, useSignedIn } from '../../session.js';
import { downloadArtifact, parseCsv, previewKind, previewLimitBytes } from './artifact-fetch.js';
import { formatBytes } from './run-format.js';

/** CSV previews show this many data rows. */
const csvRows = 200;

type Loaded =
  | { kind: 'text'; text: string }
  | { kind: 'json'; text: string; valid: boolean }
  | { kind: 'csv'; rows: string[][]; truncated: boolean }
  | { kind: 'image'; url: string };

/**
 * Previews one artifact file: text as is, JSON pretty-printed, CSV as a table (first 200 rows),
 * images inline; other types (and files over 5 MB) get a download button only.
 */
export function ArtifactPreview({ runId, path, size }: { runId: string; path: string; size?: number }) {
  const { client, handleError } = useSignedIn();
  const kind = previewKind(path);
  const tooBig = size !== undefined && size > previewLimitBytes;
  const [loaded, setLoaded] = useState<Loaded | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [downloadError, setDownloadError] = useState<string | null>(null);

  useEffect(() => {
    setLoaded(null);
    setError(null);
    setDownloadError(null);
    if (kind === 'none' || tooBig) return;
    const abort = new AbortController();
    client.tracking
      .fetchArtifact(runId, path, { signal: abort.signal })
      .then(async (blob) => {
        if (kind === 'image') {
          // A data: URL, as the UI's Content-Security-Policy allows `img-src 'self' data:` (not blob:).
          const url = await dataUrl(blob);
          if (!abort.signal.aborted) setLoaded({ kind, url });
          return;
        }
        const text = await blob.text();
        if (abort.signal.aborted) return;
        if (kind === 'json') {
          try {
            setLoaded({ kind, text: JSON.stringify(JSON.parse(text), null, 2), valid: true });
          } catch {
            setLoaded({ kind, text, valid: false });
          }
        } else if (kind === 'csv') {
          const delimiter = path.toLowerCase().endsWith('.tsv') ? '\t' : ',';
          setLoaded({ kind, ...parseCsv(text, csvRows + 1, delimiter) });
        } else setLoaded({ kind, text });
      })
      .catch((err: unknown) => {
        if (abort.signal.aborted || handleError(err)) return;
        setError(errorMessage(err));
      });
    return () => abort.abort();
  }, [client, handleError, runId, path, kind, tooBig]);

  const name = path.split('/').pop() || path;
  return (
    <section className="preview" aria-label={`Preview of ${name}`}>
      <div className="preview-header">
        <span className="mono strong preview-name" title={path}>
          {path}
        </span>
        {size !== undefined && <span className="muted small">{formatBytes(size)}</span>}
        <button
          type="button"
          className="btn btn-sm"
          onClick={() =>
            downloadArtifact(client, runId, path).catch((err: unknown) => {
              if (!handleError(err)) setDownloadError(errorMessage(err));
            })
          }
        >
          Download
        </button>
      </div>
      {downloadError && <Alert title="Download failed">{downloadError}</Alert>}
      {kind === 'none' && <p className="muted">No preview for this type of file; download it instead.</p>}
      {tooBig && kind !== 'none' && (
        <p className="muted">
          This file is {formatBytes(size)}; files over {formatBytes(previewLimitBytes)} are not previewed.
        </p>
      )}
      {error && <Alert title="Could not load the file">{error}</Alert>}
      {!loaded && !error && kind !== 'none' && !tooBig && <Loading label="Loading preview…" />}
      {loaded?.kind === 'image' && <img className="preview-image" src={loaded.url} alt={name} />}
      {(loaded?.kind === 'text' || loaded?.kind === 'json') && (
        <>
          {loaded.kind === 'json' && !loaded.valid && (
            <p className="muted small">Not valid JSON; shown as text.</p>
          )}
          {/* biome-ignore lint/a11y/noNoninteractiveTabindex: the scrolling preview must be reachable by keyboard */}
          <pre className="preview-text" tabIndex={0}>
            {loaded.text}
          </pre>
        </>
      )}
      {loaded?.kind === 'csv' && <CsvTable name={name} rows={loaded.rows} truncated={loaded.truncated} />}
    </section>
  );
}

function dataUrl(blob: Blob): Promise<string> {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => resolve(String(reader.result));
    reader.onerror = () => reject(reader.error ?? new Error('could not read the image'));
    reader.readAsDataURL(blob);
  });
}

function CsvTable({ name, rows, truncated }: { name: string; rows: string[][]; truncated: boolean }) {
  if (rows.length === 0) return <p className="muted">The file is empty.</p>;
  const [header, ...body] = rows;
  const width = Math.max(...rows.map((r) => r.length));
  const cells = (r: string[]) => Array.from({ length: width }, (_, i) => r[i] ?? '');
  return (
    <>
      <div className="table-wrap preview-table">
        <table className="table" aria-label={`Contents of ${name}`}>
          <thead>
            <tr>
              {cells(header ?? []).map((h, i) => (
                // biome-ignore lint/suspicious/noArrayIndexKey: columns are positional
                <th key={i} scope="col">
                  {h}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {body.map((r, ri) => (
              // biome-ignore lint/suspicious/noArrayIndexKey: rows are positional
              <tr key={ri}>
                {cells(r).map((c, ci) => (
                  // biome-ignore lint/suspicious/noArrayIndexKey: columns are positional
                  <td key={ci}>{c}</td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <p className="muted small">
        {truncated ? `The first ${body.length} rows are shown.` : `${body.length} rows.`}
      </p>
    </>
  );
}
