import type { DatasetVersionDetails } from '../../../../src/sdk/index.js';
import { Alert, Fact, Facts } from '../../components/ui.js';
import { formatCount, formatShare } from './data-format.js';

const piiLabels: Record<string, string> = {
  email: 'Email address',
  phone: 'Phone number',
  credit_card: 'Credit card number',
  iban: 'IBAN',
  ip_address: 'IP address',
  national_id: 'National ID',
  person_name: 'Person name',
};

/** Columns that look like personal data: kind, how many sampled values matched, and why. Never values. */
export function PiiPanel({ version }: { version: DatasetVersionDetails }) {
  const findings = version.profile.pii;
  if (findings.length === 0) {
    return (
      <p className="muted">
        No column looks like personal data (emails, phone numbers, card numbers, IBANs, IP addresses, national
        IDs, or person names by header).
      </p>
    );
  }
  return (
    <>
      <Alert
        kind="warning"
        title={`${findings.length} possible personal data ${findings.length === 1 ? 'finding' : 'findings'}`}
      >
        Found in a sample of values and in column names. Lathe shows counts only, never the values.
      </Alert>
      <div className="table-wrap">
        <table className="table" aria-label="Personal data findings">
          <thead>
            <tr>
              <th scope="col">Column</th>
              <th scope="col">Kind</th>
              <th scope="col" className="num">
                Share of sample
              </th>
              <th scope="col" className="num">
                Matched / checked
              </th>
              <th scope="col">Evidence</th>
            </tr>
          </thead>
          <tbody>
            {findings.map((f) => (
              <tr key={`${f.column}:${f.kind}`}>
                <td className="mono strong">{f.column}</td>
                <td>{piiLabels[f.kind] ?? f.kind}</td>
                <td className="num">{f.evidence.includes('values') ? formatShare(f.share) : '—'}</td>
                <td className="num">
                  {f.checked > 0 ? `${formatCount(f.matches)} / ${formatCount(f.checked)}` : '—'}
                </td>
                <td>
                  {f.evidence.map((e) => (
                    <span key={e} className="tag">
                      {e === 'values' ? 'values' : 'column name'}
                    </span>
                  ))}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </>
  );
}

const issueKinds: Record<string, string> = {
  rejected_row: 'row skipped',
  renamed_column: 'column renamed',
  encoding: 'encoding',
  mixed_types: 'mixed types',
  dialect: 'dialect',
  empty_column_name: 'empty column name',
  duplicate_column_name: 'duplicate column name',
};

const showChar = (c: string) => (c === '\t' ? 'tab' : c === '' ? 'none' : c === ' ' ? 'space' : c);

/** What ingest chose (format, dialect, encoding) and met (skipped rows, renamed columns), with line numbers. */
export function IngestReportPanel({ version }: { version: DatasetVersionDetails }) {
  const r = version.report;
  const listed = r.issues.filter((i) => i.kind === 'rejected_row').length;
  return (
    <>
      <Facts>
        <Fact label="Format">{r.format}</Fact>
        {r.dialect && (
          <>
            <Fact label="Delimiter">
              <code>{showChar(r.dialect.delimiter)}</code>
            </Fact>
            <Fact label="Quote">
              <code>{showChar(r.dialect.quote)}</code>
            </Fact>
            <Fact label="Header row">{r.dialect.header ? 'yes' : 'no'}</Fact>
          </>
        )}
        {r.encoding && <Fact label="Encoding">{r.encoding}</Fact>}
        <Fact label="Rows read">{formatCount(r.rowsRead)}</Fact>
        <Fact label="Rows rejected">
          <span className={r.rowsRejected > 0 ? 'text-warn strong' : undefined}>
            {formatCount(r.rowsRejected)}
          </span>
        </Fact>
      </Facts>
      {r.issues.length === 0 ? (
        <p className="muted">Ingest met no problems: every row was read, no column was renamed.</p>
      ) : (
        <div className="table-wrap">
          <table className="table" aria-label="Ingest issues">
            <thead>
              <tr>
                <th scope="col" className="num">
                  Line
                </th>
                <th scope="col">Kind</th>
                <th scope="col">Column</th>
                <th scope="col">What happened</th>
              </tr>
            </thead>
            <tbody>
              {r.issues.map((issue) => (
                <tr key={`${issue.kind}:${issue.line ?? ''}:${issue.column ?? ''}:${issue.message}`}>
                  <td className="num mono">{issue.line ?? '—'}</td>
                  <td className="nowrap">{issueKinds[issue.kind] ?? issue.kind}</td>
                  <td className="mono">{issue.column ?? <span className="muted">—</span>}</td>
                  <td className="data-issue">{issue.message}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {r.rowsRejected > listed && listed > 0 && (
        <p className="muted small">
          The first {listed} skipped rows are listed; {formatCount(r.rowsRejected - listed)} more were
          skipped.
        </p>
      )}
    </>
  );
}
