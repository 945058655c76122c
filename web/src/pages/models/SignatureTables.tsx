import type { ColumnSpec, ModelSignature } from '../../../../src/sdk/index.js';
import { Panel } from '../../components/ui.js';
import { formatCell, rowColumns } from './package-format.js';

/** Columns with their type (and whether rows must carry them, for inputs). */
function ColumnTable({ label, columns, inputs }: { label: string; columns: ColumnSpec[]; inputs: boolean }) {
  return (
    <div className="table-wrap kv-wrap">
      <table className="table" aria-label={label}>
        <thead>
          <tr>
            <th scope="col">Column</th>
            <th scope="col">Type</th>
            {inputs && <th scope="col">Required</th>}
          </tr>
        </thead>
        <tbody>
          {columns.map((c) => (
            <tr key={c.name}>
              <td className="mono">{c.name}</td>
              <td className="mono">{c.type}</td>
              {inputs && <td>{c.required ? 'yes' : <span className="muted">no</span>}</td>}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** The "Signature" panel: input columns, outputs, and the classes of a classifier in probability order. */
export function SignaturePanel({ signature }: { signature: ModelSignature }) {
  return (
    <Panel title="Signature">
      <h3 className="package-subtitle">Inputs ({signature.inputs.length})</h3>
      <ColumnTable label="Input columns" columns={signature.inputs} inputs />
      <h3 className="package-subtitle">Outputs</h3>
      {signature.outputs.length ? (
        <ColumnTable label="Output columns" columns={signature.outputs} inputs={false} />
      ) : (
        <p className="muted small package-note">Not recorded.</p>
      )}
      {signature.classes && (
        <>
          <h3 className="package-subtitle">Classes ({signature.classes.length})</h3>
          <ul className="tag-list" aria-label="Classes">
            {signature.classes.map((c) => (
              <li key={String(c)} className="tag">
                {String(c)}
              </li>
            ))}
          </ul>
        </>
      )}
    </Panel>
  );
}

/** Rows as a table: a row number, then the columns (signature inputs first), nulls dimmed. */
export function RowsTable({
  label,
  columns,
  rows,
  extra,
}: {
  label: string;
  columns: string[];
  rows: Record<string, unknown>[];
  /** Columns after the inputs (predictions, probabilities), with a cell per row. */
  extra?: { name: string; cell(i: number): string; strong?: boolean }[];
}) {
  return (
    <div className="table-wrap package-rows">
      <table className="table" aria-label={label}>
        <thead>
          <tr>
            <th scope="col" className="num">
              #
            </th>
            {columns.map((c) => (
              <th key={c} scope="col" className="mono-head">
                {c}
              </th>
            ))}
            {extra?.map((e) => (
              <th key={e.name} scope="col" className="package-result-head">
                {e.name}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rows.map((r, i) => (
            // biome-ignore lint/suspicious/noArrayIndexKey: rows have no identity but their position
            <tr key={i}>
              <td className="num muted">{i}</td>
              {columns.map((c) => (
                <td key={c} className={r[c] === null || r[c] === undefined ? 'mono muted' : 'mono'}>
                  {r[c] === undefined ? '—' : formatCell(r[c])}
                </td>
              ))}
              {extra?.map((e) => (
                <td key={e.name} className={e.strong ? 'mono strong package-result' : 'mono package-result'}>
                  {e.cell(i)}
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** The "Input example" panel: the rows the model was checked on when it was imported or trained. */
export function ExamplePanel({ inputs, rows }: { inputs: ColumnSpec[]; rows: Record<string, unknown>[] }) {
  return (
    <Panel title="Input example">
      {rows.length ? (
        <>
          <RowsTable label="Input example" columns={rowColumns(inputs, rows)} rows={rows} />
          <p className="muted small package-note">
            {rows.length} row{rows.length === 1 ? '' : 's'} the model ran on when it was registered; the
            try-it form starts from the first.
          </p>
        </>
      ) : (
        <p className="muted">This package has no input example.</p>
      )}
    </Panel>
  );
}
