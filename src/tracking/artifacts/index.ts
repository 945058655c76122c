export { type ArtifactEntry, type ArtifactFile, ArtifactStore } from './artifact-store.js';
export { PROXIED_ARTIFACT_SCHEME, proxiedRoot, RunArtifacts } from './run-artifacts.js';
export {
  joinArtifactPath,
  MAX_ARTIFACT_PATH_LENGTH,
  MAX_ARTIFACT_SEGMENT_LENGTH,
  safeArtifactPath,
} from './safe-path.js';
