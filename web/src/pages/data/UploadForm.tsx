import { type FormEvent, useEffect, useRef, useState } from 'react';
import { isLatheError, sourceEncodings, sourceFormats } from '../../../../src/sdk/index.js';
import { Alert } from '../../components/ui.js';
import { errorMessage, useSignedIn } from '../../session.js';
import { formatBytes } from '../experiments/run-format.js';
import {
  AppendCheck,
  DatasetNameField,
  type IngestFormProps,
  MessageField,
  TargetField,
} from './IngestFields.js';
import { IngestOutcome } from './IngestOutcome.js';
import { type UploadProgress, type UploadResult, uploadVersion } from './upload-file.js';

/** The file types ingest reads (the extension picks the format unless one is chosen). */
const acceptedFiles = '.csv,.tsv,.tab,.txt,.parquet,.pq,.jsonl,.ndjson,.json';

/** A dataset name from a file name: `Sales 2024.csv` → `sales-2024`. */
function nameFromFile(filename: string): string {
  const base = filename.replace(/\.[^.]*$/, '').toLowerCase();
  const clean = base
    .replace(/[^a-z0-9._-]+/g, '-')
    .replace(/^[^a-z0-9]+/, '')
    .replace(/-+$/, '');
  return clean.slice(0, 128);
}

/** The column names of a delimited file's first line, read from its first 64 KiB only. */
async function sniffHeader(file: File, delimiter: string): Promise<string[]> {
  if (/\.(parquet|pq)$/i.test(file.name)) return [];
  const head = await file.slice(0, 65_536).text();
  const line = head.replace(/^\uFEFF/, '').split(/\r?\n/, 1)[0] ?? '';
  const d =
    delimiter ||
    (/\.(tsv|tab)$/i.test(file.name) ? '\t' : [',', ';', '\t', '|'].find((c) => line.includes(c)) || ',');
  if (/^\s*[[{]/.test(line)) {
    try {
      return Object.keys(JSON.parse(line) as object);
    } catch {
      return [];
    }
  }
  return line
    .split(d)
    .map((c) => c.trim().replace(/^"(.*)"$/, '$1'))
    .filter(Boolean)
    .slice(0, 500);
}

const progressText = (p: UploadProgress) =>
  `${formatBytes(p.loaded)} of ${formatBytes(p.total)} (${p.total ? Math.floor((p.loaded / p.total) * 100) : 100}%)`;

/**
 * Uploads a CSV/TSV, Parquet or JSON Lines file as a new version: of the dataset named in the form,
 * or of `dataset` (then "append" adds the rows to its latest version). The file streams from disk
 * with a progress bar; the answer's ingest report is shown with a link to the version.
 */
export function UploadForm({ dataset, latestVersion, onIngested }: IngestFormProps) {
  const { token, handleError } = useSignedIn();
  const [file, setFile] = useState<File | null>(null);
  const [name, setName] = useState(dataset ?? '');
  const [nameTouched, setNameTouched] = useState(false);
  const [message, setMessage] = useState('');
  const [description, setDescription] = useState('');
  const [target, setTarget] = useState('');
  const [append, setAppend] = useState(false);
  const [format, setFormat] = useState<string>('auto');
  const [delimiter, setDelimiter] = useState('');
  const [header, setHeader] = useState<'auto' | 'yes' | 'no'>('auto');
  const [encoding, setEncoding] = useState<string>('auto');
  const [strict, setStrict] = useState(false);
  const [columns, setColumns] = useState<string[]>([]);
  const [progress, setProgress] = useState<UploadProgress | null>(null);
  const [reading, setReading] = useState(false);
  const [error, setError] = useState<{ title: string; message: string } | null>(null);
  const [result, setResult] = useState<UploadResult | null>(null);
  const abort = useRef<AbortController | null>(null);
  const busy = progress !== null;
  useEffect(() => () => abort.current?.abort(), []);

  useEffect(() => {
    let live = true;
    if (file)
      sniffHeader(file, delimiter === '\\t' ? '\t' : delimiter).then(
        (c) => live && setColumns(c),
        () => live && setColumns([]),
      );
    else setColumns([]);
    return () => {
      live = false;
    };
  }, [file, delimiter]);

  function pick(f: File | null) {
    setFile(f);
    setError(null);
    if (f && !dataset && !nameTouched) setName(nameFromFile(f.name));
  }

  function submit(e: FormEvent) {
    e.preventDefault();
    if (!file) return;
    const controller = new AbortController();
    abort.current = controller;
    setError(null);
    setProgress({ loaded: 0, total: file.size });
    setReading(false);
    uploadVersion({
      name: name.trim(),
      file,
      token,
      query: {
        filename: file.name,
        message: message.trim() || undefined,
        description: !dataset ? description.trim() || undefined : undefined,
        target: target.trim() || undefined,
        append: append || undefined,
        format: format === 'auto' ? undefined : format,
        delimiter: delimiter ? (delimiter === '\\t' ? '\t' : delimiter) : undefined,
        header: header === 'auto' ? undefined : header === 'yes',
        encoding: encoding === 'auto' ? undefined : encoding,
        strict: strict || undefined,
      },
      signal: controller.signal,
      onProgress: setProgress,
      onSent: () => setReading(true),
    })
      .then((r) => {
        setResult(r);
        onIngested(r);
      })
      .catch((err: unknown) => {
        if ((err as Error).name === 'AbortError')
          return setError({ title: 'Upload cancelled', message: 'No version was made.' });
        if (handleError(err)) return;
        const title =
          isLatheError(err) && err.code === 'PERMISSION_DENIED'
            ? 'You may not ingest data'
            : isLatheError(err) && err.code === 'PAYLOAD_TOO_LARGE'
              ? 'The file is too large for this server'
              : 'The file was not ingested';
        setError({ title, message: errorMessage(err) });
      })
      .finally(() => {
        abort.current = null;
        setProgress(null);
        setReading(false);
      });
  }

  if (result)
    return (
      <IngestOutcome
        result={result}
        onAgain={() => {
          setResult(null);
          setFile(null);
          setMessage('');
        }}
      />
    );

  return (
    <form className="form ingest-form" aria-label="Upload a file" onSubmit={submit}>
      <label className="field">
        <span className="field-label">File (CSV, TSV, Parquet or JSON Lines)</span>
        <input
          type="file"
          name="file"
          accept={acceptedFiles}
          required
          disabled={busy}
          onChange={(e) => pick(e.target.files?.[0] ?? null)}
        />
        {file && (
          <span className="muted small">
            {file.name} · {formatBytes(file.size)}
            {columns.length > 0 && ` · ${columns.length} columns in the first line`}
          </span>
        )}
      </label>
      <div className="form-row">
        <DatasetNameField
          value={name}
          fixed={dataset !== undefined}
          disabled={busy}
          onChange={(value) => {
            setName(value);
            setNameTouched(true);
          }}
        />
        <TargetField value={target} disabled={busy} append={append} columns={columns} onChange={setTarget} />
      </div>
      <MessageField
        value={message}
        disabled={busy}
        placeholder="what this version holds, e.g. March export"
        onChange={setMessage}
      />
      {!dataset && (
        <label className="field">
          <span className="field-label">Description of the dataset (optional)</span>
          <input
            name="description"
            value={description}
            disabled={busy}
            onChange={(e) => setDescription(e.target.value)}
          />
        </label>
      )}
      <AppendCheck
        dataset={dataset}
        latestVersion={latestVersion}
        checked={append}
        disabled={busy}
        note="(same columns; the new version holds both)"
        onChange={setAppend}
      />
      <details className="ingest-options">
        <summary>Read options</summary>
        <div className="form-row">
          <label className="field" title="detect: by the file's extension, then by its content">
            <span className="field-label">Format</span>
            <select value={format} disabled={busy} onChange={(e) => setFormat(e.target.value)}>
              {sourceFormats.map((f) => (
                <option key={f} value={f}>
                  {f === 'auto' ? 'detect' : f === 'json' ? 'JSON Lines' : f.toUpperCase()}
                </option>
              ))}
            </select>
          </label>
          <label className="field field-narrow">
            <span className="field-label">Delimiter</span>
            <input
              name="delimiter"
              value={delimiter}
              maxLength={4}
              disabled={busy}
              placeholder="detect"
              title="one character, or \t for a tab"
              onChange={(e) => setDelimiter(e.target.value)}
            />
          </label>
          <label className="field">
            <span className="field-label">Header row</span>
            <select
              value={header}
              disabled={busy}
              onChange={(e) => setHeader(e.target.value as 'auto' | 'yes' | 'no')}
            >
              <option value="auto">detect</option>
              <option value="yes">first line holds the names</option>
              <option value="no">no header</option>
            </select>
          </label>
          <label className="field">
            <span className="field-label">Encoding</span>
            <select value={encoding} disabled={busy} onChange={(e) => setEncoding(e.target.value)}>
              {sourceEncodings.map((enc) => (
                <option key={enc} value={enc}>
                  {enc === 'auto' ? 'detect' : enc}
                </option>
              ))}
            </select>
          </label>
        </div>
        <label className="check">
          <input
            type="checkbox"
            checked={strict}
            disabled={busy}
            onChange={(e) => setStrict(e.target.checked)}
          />
          Strict: refuse the file when any row is malformed (by default such rows are skipped and listed)
        </label>
      </details>
      {error && <Alert title={error.title}>{error.message}</Alert>}
      {progress && (
        <div className="upload-progress" aria-live="polite">
          <progress
            aria-label="Upload progress"
            max={progress.total || 1}
            value={progress.loaded}
            className="upload-bar"
          />
          <span className="small">
            {reading ? (
              <>
                <span className="spinner spinner-inline" aria-hidden="true" /> Uploaded{' '}
                {formatBytes(progress.total)}; the server is reading and profiling the file…
              </>
            ) : (
              `Uploading ${progressText(progress)}`
            )}
          </span>
        </div>
      )}
      <div className="form-actions">
        <button type="submit" className="btn btn-primary" disabled={busy || !file}>
          {busy
            ? reading
              ? 'Ingesting…'
              : 'Uploading…'
            : append
              ? 'Upload and append'
              : 'Upload and ingest'}
        </button>
        {busy && !reading && (
          <button type="button" className="btn" onClick={() => abort.current?.abort()}>
            Cancel
          </button>
        )}
      </div>
    </form>
  );
}
