import { Link } from 'react-router-dom';
import type { DatasetVersionDetails } from '../../../../src/sdk/index.js';
import { Alert } from '../../components/ui.js';
import { datasetVersionUrl, formatCount } from './data-format.js';
import { IngestReportPanel } from './ReportPanels.js';

/**
 * What an ingest made: the new version (or the existing one whose content was equal) with a link to
 * it, and its ingest report (rows read, rows rejected with their line numbers, renamed columns…).
 */
export function IngestOutcome({
  result,
  onAgain,
}: {
  result: { created: boolean; version: DatasetVersionDetails };
  onAgain(): void;
}) {
  const v = result.version;
  const rejected = v.report.rowsRejected;
  return (
    <div className="ingest-outcome" data-testid="ingest-outcome">
      {result.created ? (
        <Alert kind={rejected > 0 ? 'warning' : 'success'} title={`Created ${v.ref}`}>
          {formatCount(v.report.rowsRead)} rows read
          {rejected > 0
            ? rejected === 1
              ? ', 1 row rejected (listed below with its line number)'
              : `, ${formatCount(rejected)} rows rejected (listed below with their line numbers)`
            : ', none rejected'}
          ; {formatCount(v.rows)} rows and {v.columns.length} columns in the version.
        </Alert>
      ) : (
        <Alert kind="info" title={`Same content as ${v.ref}`}>
          The rows equal those of an existing version, so no new version was made.
        </Alert>
      )}
      <div className="ingest-outcome-actions">
        <Link className="btn btn-primary" to={datasetVersionUrl(v.name, v.version)}>
          Open {v.ref}
        </Link>
        <button type="button" className="btn" onClick={onAgain}>
          Ingest another
        </button>
      </div>
      <h3 className="ingest-outcome-title">Ingest report</h3>
      <IngestReportPanel version={v} />
    </div>
  );
}
