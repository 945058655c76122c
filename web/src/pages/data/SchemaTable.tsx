import type { ColumnProfile, DatasetVersionDetails } from '../../../../src/sdk/index.js';
import { formatCount, formatShare } from './data-format.js';

/** A column's semantic type as a small coloured label. */
export function SemanticBadge({ semantic }: { semantic: string }) {
  return <span className={`semantic semantic-${semantic}`}>{semantic}</span>;
}

/** The version's columns in order: physical and semantic type, nullability, missing share, distinct values. */
export function SchemaTable({ version }: { version: DatasetVersionDetails }) {
  const profiles = new Map<string, ColumnProfile>(version.profile.columns.map((c) => [c.name, c]));
  const pii = new Set(version.profile.pii.map((f) => f.column));
  return (
    <div className="table-wrap">
      <table className="table" aria-label="Schema">
        <thead>
          <tr>
            <th scope="col" className="num">
              #
            </th>
            <th scope="col">Column</th>
            <th scope="col">Physical type</th>
            <th scope="col">Semantic type</th>
            <th scope="col">Nullable</th>
            <th scope="col" className="num">
              Missing
            </th>
            <th scope="col" className="num">
              Distinct
            </th>
          </tr>
        </thead>
        <tbody>
          {version.columns.map((c, i) => {
            const p = profiles.get(c.name);
            return (
              <tr key={c.name}>
                <td className="num muted">{i + 1}</td>
                <td>
                  <span className="strong mono">{c.name}</span>
                  {pii.has(c.name) && (
                    <span className="badge badge-pii" title="Looks like personal data (see Personal data)">
                      PII
                    </span>
                  )}
                </td>
                <td className="mono small">{c.type}</td>
                <td>
                  <SemanticBadge semantic={c.semantic} />
                </td>
                <td>{c.nullable ? 'yes' : 'no'}</td>
                <td className="num">
                  {p ? (
                    <span title={`${formatCount(p.missing)} of ${formatCount(p.count + p.missing)} rows`}>
                      {formatShare(p.missingShare)}
                    </span>
                  ) : (
                    '—'
                  )}
                </td>
                <td className="num">
                  {p ? (
                    <span title={p.distinctApproximate ? 'approximate (HyperLogLog)' : undefined}>
                      {p.distinctApproximate ? '≈' : ''}
                      {formatCount(p.distinct)}
                    </span>
                  ) : (
                    '—'
                  )}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}
