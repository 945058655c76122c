import { type FormEvent, useCallback, useMemo, useState } from 'react';
import type { ColumnSchema, LatheClient, RowsOptions } from '../../../../src/sdk/index.js';
import { type VirtualColumn, VirtualTable } from '../../components/VirtualTable.js';
import { Alert, Loading } from '../../components/ui.js';
import { useApi } from '../../use-api.js';
import { formatCount } from './data-format.js';

type Filter = NonNullable<RowsOptions['filter']>;
type FilterOp = Filter['op'];

/** The rows API's operators, with what they read as. */
const ops: { op: FilterOp; label: string }[] = [
  { op: '=', label: '=' },
  { op: '!=', label: '≠' },
  { op: '<', label: '<' },
  { op: '<=', label: '≤' },
  { op: '>', label: '>' },
  { op: '>=', label: '≥' },
  { op: 'contains', label: 'contains' },
  { op: 'is_null', label: 'is missing' },
  { op: 'not_null', label: 'is not missing' },
];
const valueless = new Set<FilterOp>(['is_null', 'not_null']);
const opLabel = (op: FilterOp) => ops.find((o) => o.op === op)?.label ?? op;
const pageSizes = [25, 50, 100, 200];

interface Row {
  key: number;
  values: Record<string, unknown>;
}

/** Cell width by physical type: numbers and dates narrow, text wide. */
function widthOf(c: ColumnSchema): number {
  const t = c.type.toUpperCase();
  if (t === 'BOOLEAN') return 90;
  if (t.startsWith('TIMESTAMP')) return 190;
  if (t === 'DATE') return 120;
  if (/INT|DOUBLE|FLOAT|DECIMAL|REAL|NUMERIC/.test(t)) return 120;
  return 200;
}

const numeric = (c: ColumnSchema) => /INT|DOUBLE|FLOAT|DECIMAL|REAL|NUMERIC/.test(c.type.toUpperCase());

function cell(value: unknown) {
  if (value === null || value === undefined) return <span className="cell-null">null</span>;
  const text = typeof value === 'object' ? JSON.stringify(value) : String(value);
  return <span title={text.length > 24 ? text : undefined}>{text}</span>;
}

/**
 * A version's rows a page at a time, from the server: sort by clicking a header (ascending,
 * descending, then stored order), one filter (column, operator, value), Previous/Next. Columns the
 * profile flags as personal data are hidden until the user asks to see them.
 */
export function RowViewer({
  dataRef,
  columns,
  pii,
}: {
  dataRef: string;
  columns: ColumnSchema[];
  pii: Set<string>;
}) {
  const [offset, setOffset] = useState(0);
  const [limit, setLimit] = useState(50);
  const [sort, setSort] = useState<{ column: string; desc: boolean } | null>(null);
  const [filter, setFilter] = useState<Filter | null>(null);
  const [showPii, setShowPii] = useState(false);

  const load = useCallback(
    (client: LatheClient) =>
      client.data.rows(dataRef, {
        offset,
        limit,
        ...(sort ? { orderBy: sort.column, desc: sort.desc } : {}),
        ...(filter ? { filter } : {}),
      }),
    [dataRef, offset, limit, sort, filter],
  );
  const page = useApi(load);
  const data = page.data;
  const rows = useMemo<Row[]>(
    () => (data?.rows ?? []).map((values, i) => ({ key: (data?.offset ?? 0) + i, values })),
    [data],
  );

  const tableColumns = useMemo<VirtualColumn<Row>[]>(
    () => [
      {
        key: '#',
        header: '#',
        width: 64,
        align: 'right',
        render: (r) => <span className="muted">{r.key + 1}</span>,
      },
      ...columns.map<VirtualColumn<Row>>((c) => ({
        key: c.name,
        header: c.name,
        title: `${c.name} (${c.type}, ${c.semantic})`,
        width: widthOf(c),
        align: numeric(c) ? 'right' : 'left',
        sort: sort?.column === c.name ? (sort.desc ? 'descending' : 'ascending') : undefined,
        onSort: () => {
          setOffset(0);
          setSort((s) =>
            s?.column !== c.name
              ? { column: c.name, desc: false }
              : s.desc
                ? null
                : { column: c.name, desc: true },
          );
        },
        render: (r) =>
          pii.has(c.name) && !showPii && r.values[c.name] !== null ? (
            <span className="cell-hidden" title="Personal data: hidden">
              hidden
            </span>
          ) : (
            cell(r.values[c.name])
          ),
      })),
    ],
    [columns, sort, pii, showPii],
  );

  const total = data?.total ?? 0;
  const first = total === 0 ? 0 : (data?.offset ?? 0) + 1;
  const last = (data?.offset ?? 0) + rows.length;

  return (
    <div className="row-viewer">
      <RowFilter
        columns={columns}
        applied={filter}
        onApply={(f) => {
          setOffset(0);
          setFilter(f);
        }}
      />
      {pii.size > 0 && (
        <label className="check row-viewer-pii">
          <input type="checkbox" checked={showPii} onChange={(e) => setShowPii(e.target.checked)} />
          Show values of personal-data columns ({[...pii].join(', ')})
        </label>
      )}
      {page.error && <Alert title="The server could not answer this page">{page.error}</Alert>}
      {page.loading && !data && <Loading label="Loading rows…" />}
      {data && (
        <div aria-busy={page.loading}>
          <VirtualTable
            label={`Rows of ${dataRef}`}
            columns={tableColumns}
            rows={rows}
            rowKey={(r) => String(r.key)}
            totalCount={total}
            rowHeight={30}
            height={Math.min(560, 30 * (rows.length + 1) + 2)}
          />
          {rows.length === 0 && <p className="muted">No row matches this filter.</p>}
        </div>
      )}
      <nav className="pager" aria-label="Pages of rows">
        <span className="muted small" aria-live="polite" data-testid="rows-range">
          {data ? `${formatCount(first)}–${formatCount(last)} of ${formatCount(total)} rows` : ''}
          {filter
            ? ` · where ${filter.column} ${opLabel(filter.op)}${filter.value !== undefined ? ` ${filter.value}` : ''}`
            : ''}
          {sort ? ` · sorted by ${sort.column} ${sort.desc ? 'descending' : 'ascending'}` : ''}
        </span>
        <label className="field field-inline">
          <span className="field-label">Rows per page</span>
          <select
            value={limit}
            onChange={(e) => {
              setOffset(0);
              setLimit(Number(e.target.value));
            }}
          >
            {pageSizes.map((n) => (
              <option key={n} value={n}>
                {n}
              </option>
            ))}
          </select>
        </label>
        <button
          type="button"
          className="btn btn-sm"
          disabled={offset === 0 || page.loading}
          onClick={() => setOffset((o) => Math.max(0, o - limit))}
        >
          Previous
        </button>
        <button
          type="button"
          className="btn btn-sm"
          disabled={!data || offset + limit >= total || page.loading}
          onClick={() => setOffset((o) => o + limit)}
        >
          Next
        </button>
      </nav>
    </div>
  );
}

/** Column, operator and value; applied on submit, cleared with Clear. */
function RowFilter({
  columns,
  applied,
  onApply,
}: {
  columns: ColumnSchema[];
  applied: Filter | null;
  onApply(filter: Filter | null): void;
}) {
  const [column, setColumn] = useState(applied?.column ?? columns[0]?.name ?? '');
  const [op, setOp] = useState<FilterOp>(applied?.op ?? '=');
  const [value, setValue] = useState(applied?.value ?? '');

  function submit(event: FormEvent) {
    event.preventDefault();
    onApply(valueless.has(op) ? { column, op } : { column, op, value });
  }

  return (
    <form className="form form-inline row-filter" aria-label="Filter rows" onSubmit={submit}>
      <label className="field">
        <span className="field-label">Column</span>
        <select value={column} onChange={(e) => setColumn(e.target.value)}>
          {columns.map((c) => (
            <option key={c.name} value={c.name}>
              {c.name}
            </option>
          ))}
        </select>
      </label>
      <label className="field">
        <span className="field-label">Operator</span>
        <select value={op} onChange={(e) => setOp(e.target.value as FilterOp)}>
          {ops.map((o) => (
            <option key={o.op} value={o.op}>
              {o.label}
            </option>
          ))}
        </select>
      </label>
      {!valueless.has(op) && (
        <label className="field">
          <span className="field-label">Value</span>
          <input
            name="value"
            value={value}
            onChange={(e) => setValue(e.target.value)}
            autoComplete="off"
            spellCheck={false}
          />
        </label>
      )}
      <button type="submit" className="btn btn-primary">
        Filter
      </button>
      {applied && (
        <button
          type="button"
          className="btn btn-ghost"
          onClick={() => {
            setValue('');
            onApply(null);
          }}
        >
          Clear filter
        </button>
      )}
    </form>
  );
}
