import type { ValidationCheckResult } from '../../../../src/sdk/index.js';
import { formatValue } from '../experiments/run-format.js';

type CheckTable = ValidationCheckResult['tables'][number];

/** How a cell reads: numbers shortened, null as a dash. */
function cell(v: string | number | boolean | null): string {
  if (v === null || v === undefined) return '—';
  if (typeof v === 'number') return formatValue(v);
  return String(v);
}

/** A table of a check (weakest slices, drifted features…), labelled with its title. */
export function CheckTableView({ table }: { table: CheckTable }) {
  const numeric = table.columns.map((_, j) => table.rows.some((r) => typeof r[j] === 'number'));
  return (
    <div className="check-table">
      <h3 className="vsection-title">{table.title}</h3>
      {table.rows.length === 0 ? (
        <p className="muted small">No rows.</p>
      ) : (
        <div className="table-wrap">
          <table className="table" aria-label={table.title}>
            <thead>
              <tr>
                {table.columns.map((c, j) => (
                  <th key={c} scope="col" className={numeric[j] ? 'num' : undefined}>
                    {c}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {table.rows.map((row, i) => (
                // biome-ignore lint/suspicious/noArrayIndexKey: rows are shown as stored and never reordered
                <tr key={i}>
                  {row.map((v, j) => (
                    // biome-ignore lint/suspicious/noArrayIndexKey: cells line up with the columns
                    <td key={j} className={numeric[j] ? 'num mono' : undefined}>
                      {cell(v)}
                    </td>
                  ))}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </div>
  );
}
