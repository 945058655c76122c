import type { ReactNode } from 'react';
import type { AuditEvent } from '../../../src/sdk/index.js';
import { formatTime } from '../format.js';

/** An extra last column of an `AuditTable`. */
export interface AuditDetailsColumn {
  header: string;
  className?: string;
  render(event: AuditEvent): ReactNode;
}

const objectPath = (e: AuditEvent) => (
  <>
    {e.objectType}/{e.objectId}
  </>
);

/**
 * Audit events as a table, in the order given: time (UTC, the full ISO time as its title), actor, action
 * and object, and optionally a details column.
 */
export function AuditTable({
  events,
  label,
  actorHeader = 'Actor',
  object = objectPath,
  details,
}: {
  events: AuditEvent[];
  /** The table's accessible name. */
  label?: string;
  /** The heading of the actor column. */
  actorHeader?: string;
  /** The object cell; `type/id` by default. */
  object?: (event: AuditEvent) => ReactNode;
  details?: AuditDetailsColumn;
}) {
  return (
    <div className="table-wrap">
      <table className="table" aria-label={label}>
        <thead>
          <tr>
            <th scope="col">Time (UTC)</th>
            <th scope="col">{actorHeader}</th>
            <th scope="col">Action</th>
            <th scope="col">Object</th>
            {details && <th scope="col">{details.header}</th>}
          </tr>
        </thead>
        <tbody>
          {events.map((e) => (
            <tr key={e.seq}>
              <td className="nowrap" title={e.at}>
                {formatTime(e.at)}
              </td>
              <td>{e.actorName}</td>
              <td>
                <code className="tag">{e.action}</code>
              </td>
              <td className="mono small">{object(e)}</td>
              {details && <td className={details.className}>{details.render(e)}</td>}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
