import type { Readable } from 'node:stream';
import { LatheError } from '../../core/index.js';
import type { BlobSource } from '../../storage/blobs/index.js';
import type { Runs } from '../runs.js';
import type { ArtifactEntry, ArtifactFile, ArtifactStore } from './artifact-store.js';
import { joinArtifactPath, safeArtifactPath } from './safe-path.js';

/** The scheme of artifact roots this server stores itself. */
export const PROXIED_ARTIFACT_SCHEME = 'mlflow-artifacts:';

/**
 * The store-relative root of a proxied artifact URI: `mlflow-artifacts:/1/<run>/artifacts`,
 * `mlflow-artifacts:///1/...` and `mlflow-artifacts://host:5000/1/...` all give `1/<run>/artifacts`.
 * Null for any other scheme (artifacts this server does not hold).
 */
export function proxiedRoot(artifactUri: string): string | null {
  if (!artifactUri.startsWith(PROXIED_ARTIFACT_SCHEME)) return null;
  let rest = artifactUri.slice(PROXIED_ARTIFACT_SCHEME.length);
  if (rest.startsWith('//')) {
    const slash = rest.indexOf('/', 2);
    rest = slash === -1 ? '' : rest.slice(slash);
  }
  return safeArtifactPath(rest.replace(/^\/+/, '').replace(/\/+$/, ''), {
    allowEmpty: true,
    what: 'artifact root',
  });
}

/**
 * Artifacts of runs: paths relative to a run's artifact root (`model/MLmodel`), mapped onto the
 * artifact store under the root the run's `artifact_uri` names. For the native API and SDK.
 */
export class RunArtifacts {
  constructor(
    private readonly runs: Runs,
    private readonly store: ArtifactStore,
  ) {}

  /** The run's artifact URI and its store-relative root; `NOT_IMPLEMENTED` when not served here. */
  async root(runId: unknown): Promise<{ uri: string; root: string }> {
    const row = await this.runs.row(runId);
    const root = proxiedRoot(row.artifact_uri);
    if (root === null) {
      throw new LatheError(
        'NOT_IMPLEMENTED',
        `The artifacts of run ${row.run_uuid} live at '${row.artifact_uri}', which this server does not serve; only ${PROXIED_ARTIFACT_SCHEME}/ roots are served.`,
        { runId: row.run_uuid, artifactUri: row.artifact_uri },
      );
    }
    return { uri: row.artifact_uri, root };
  }

  /** Stores `source` (streamed) at `relPath` under the run's artifact root. */
  async logArtifact(runId: string, relPath: string, source: BlobSource): Promise<ArtifactFile> {
    const rel = safeArtifactPath(relPath);
    const { root } = await this.root(runId);
    const file = await this.store.put(joinArtifactPath(root, rel), source);
    return { ...file, path: rel };
  }

  /** Opens the file at `relPath` under the run's root; `NOT_FOUND` when there is none. */
  async openArtifact(runId: string, relPath: string): Promise<{ file: ArtifactFile; stream: Readable }> {
    const rel = safeArtifactPath(relPath);
    const { root } = await this.root(runId);
    const opened = await this.store.open(joinArtifactPath(root, rel));
    return { file: { ...opened.file, path: rel }, stream: opened.stream };
  }

  /**
   * Lists one level of `path` (a directory relative to the run's root; `''` or undefined for the
   * root), sorted by path. Entry paths are relative to the run's artifact root, as MLflow's
   * `artifacts/list` gives them.
   */
  async listArtifacts(runId: string, path?: string): Promise<{ rootUri: string; files: ArtifactEntry[] }> {
    const rel = safeArtifactPath(path ?? '', { allowEmpty: true });
    const { uri, root } = await this.root(runId);
    const base = joinArtifactPath(root, rel);
    const entries = await this.store.list(base);
    const cut = root === '' ? 0 : root.length + 1;
    return { rootUri: uri, files: entries.map((e) => ({ ...e, path: e.path.slice(cut) })) };
  }
}
