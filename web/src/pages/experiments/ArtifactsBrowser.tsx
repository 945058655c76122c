import { useCallback, useState } from 'react';
import type { LatheClient } from '../../../../src/sdk/index.js';
import { Alert, Loading, Panel } from '../../components/ui.js';
import { useApi } from '../../use-api.js';
import { ArtifactPreview } from './ArtifactPreview.js';
import { formatBytes } from './run-format.js';

/** The last segment of an artifact path. */
const baseName = (path: string) => path.split('/').pop() || path;

/**
 * A run's artifacts: one folder level at a time (folders open on click, a path bar leads back up),
 * files with their size; choosing a file previews it beside the list.
 */
export function ArtifactsBrowser({ runId }: { runId: string }) {
  const [dir, setDir] = useState('');
  const [file, setFile] = useState<{ path: string; size?: number } | null>(null);
  const load = useCallback((client: LatheClient) => client.tracking.listArtifacts(runId, dir), [runId, dir]);
  const listing = useApi(load);

  const parts = dir ? dir.split('/') : [];
  const files = [...(listing.data?.files ?? [])].sort(
    (a, b) => Number(b.isDir) - Number(a.isDir) || a.path.localeCompare(b.path),
  );

  return (
    <Panel
      title="Artifacts"
      actions={listing.data && <span className="mono small muted">{listing.data.rootUri}</span>}
    >
      <nav className="artifact-path" aria-label="Artifact folder">
        <button
          type="button"
          className="link-button"
          onClick={() => setDir('')}
          aria-current={dir ? undefined : 'location'}
        >
          artifacts
        </button>
        {parts.map((part, i) => {
          const to = parts.slice(0, i + 1).join('/');
          return (
            <span key={to}>
              <span aria-hidden="true"> / </span>
              <button
                type="button"
                className="link-button"
                onClick={() => setDir(to)}
                aria-current={i === parts.length - 1 ? 'location' : undefined}
              >
                {part}
              </button>
            </span>
          );
        })}
      </nav>
      <div className="artifacts">
        <div className="artifact-list">
          {listing.error && <Alert title="Could not list the artifacts">{listing.error}</Alert>}
          {listing.loading && !listing.data && <Loading label="Listing artifacts…" />}
          {listing.data && files.length === 0 && (
            <p className="muted">{dir ? 'This folder is empty.' : 'This run logged no artifacts.'}</p>
          )}
          {files.length > 0 && (
            <table className="table" aria-label="Artifact files">
              <thead>
                <tr>
                  <th scope="col">Name</th>
                  <th scope="col" className="num">
                    Size
                  </th>
                </tr>
              </thead>
              <tbody>
                {files.map((f) => (
                  <tr key={f.path} className={file?.path === f.path ? 'row-selected' : undefined}>
                    <td>
                      <button
                        type="button"
                        className="link-button artifact-name"
                        aria-label={
                          f.isDir ? `Open folder ${baseName(f.path)}` : `Preview ${baseName(f.path)}`
                        }
                        onClick={() => {
                          if (f.isDir) {
                            setDir(f.path);
                            setFile(null);
                          } else setFile({ path: f.path, size: f.fileSize });
                        }}
                      >
                        <EntryIcon dir={f.isDir} />
                        {baseName(f.path)}
                        {f.isDir ? '/' : ''}
                      </button>
                    </td>
                    <td className="num nowrap">{f.isDir ? '' : formatBytes(f.fileSize)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </div>
        <div className="artifact-preview">
          {file ? (
            <ArtifactPreview runId={runId} path={file.path} size={file.size} />
          ) : (
            files.length > 0 && <p className="muted">Choose a file to preview it.</p>
          )}
        </div>
      </div>
    </Panel>
  );
}

/** A folder or file outline (16 px, stroke in the current colour). */
function EntryIcon({ dir }: { dir: boolean }) {
  return (
    <svg className="artifact-icon" width="14" height="14" viewBox="0 0 24 24" aria-hidden="true">
      <path
        d={dir ? 'M3 6h6l2 2h10v11H3z' : 'M6 3h8l4 4v14H6zM14 3v4h4'}
        fill="none"
        stroke="currentColor"
        strokeWidth="2"
        strokeLinejoin="round"
      />
    </svg>
  );
}
