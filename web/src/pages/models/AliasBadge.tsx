import { Link } from 'react-router-dom';
import { versionUrl } from './model-links.js';

const known = new Set(['champion', 'challenger']);

/** An alias as a badge; `champion` and `challenger` have their own colours. With `version`, it says where it points. */
export function AliasBadge({ alias, version }: { alias: string; version?: number }) {
  const kind = known.has(alias) ? alias : 'other';
  return (
    <span
      className={`alias-badge alias-${kind}`}
      title={version === undefined ? undefined : `${alias} points at version ${version}`}
    >
      {alias}
      {version !== undefined && <span className="alias-version">→ v{version}</span>}
    </span>
  );
}

/** Badges for a list of aliases, or a dash. */
export function AliasBadges({ aliases }: { aliases: string[] }) {
  if (aliases.length === 0) return <span className="muted">—</span>;
  return (
    <span className="alias-list">
      {aliases.map((a) => (
        <AliasBadge key={a} alias={a} />
      ))}
    </span>
  );
}

/** A link to a version of a model, as `v3`. */
export function VersionLink({ name, version }: { name: string; version: number }) {
  return (
    <Link to={versionUrl(name, version)} aria-label={`Version ${version} of ${name}`}>
      v{version}
    </Link>
  );
}

/** A legacy stage, as a small coloured label (`None` is shown muted). */
export function StageLabel({ stage }: { stage: string }) {
  return <span className={`stage stage-${stage.toLowerCase()}`}>{stage}</span>;
}
