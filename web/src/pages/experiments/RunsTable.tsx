import { useMemo } from 'react';
import { Link } from 'react-router-dom';
import type { Run } from '../../../../src/sdk/index.js';
import { type VirtualColumn, VirtualTable } from '../../components/VirtualTable.js';
import { formatMs, isoMs } from '../../format.js';
import { columnId, orderField, type ValueColumn } from './run-columns.js';
import { formatValue, runDuration, runLabel, runUrl } from './run-format.js';
import { StatusBadge } from './StatusBadge.js';

/** The current sort: an `orderBy` field and direction. */
export interface RunSort {
  field: string;
  direction: 'ASC' | 'DESC';
}

/** Parses `metrics.acc DESC` (the `?order=` of the page); null for the default (newest first). */
export function parseSort(order: string | null): RunSort | null {
  const m = /^(.+?)\s+(ASC|DESC)$/i.exec(order?.trim() ?? '');
  if (!m) return order?.trim() ? { field: order.trim(), direction: 'ASC' } : null;
  return { field: m[1]!, direction: m[2]!.toUpperCase() as 'ASC' | 'DESC' };
}

const kindLabel = { metrics: 'metric', params: 'param', tags: 'tag' } as const;

/**
 * The runs of an experiment in a virtualized table: select box, name, status, start, duration and
 * user, then the chosen metric, param and tag columns. Clicking a sortable header asks the server
 * to sort by it (descending first, then ascending).
 */
export function RunsTable({
  runs,
  total,
  columns,
  sort,
  onSort,
  selected,
  onSelect,
  hasMore,
  loadingMore,
  onNearEnd,
  onRangeChange,
}: {
  runs: Run[];
  total: number | null;
  columns: ValueColumn[];
  sort: RunSort | null;
  onSort(sort: RunSort): void;
  selected: Set<string>;
  onSelect(runId: string, on: boolean): void;
  hasMore: boolean;
  loadingMore: boolean;
  onNearEnd(): void;
  onRangeChange(first: number, last: number): void;
}) {
  const cols = useMemo(() => {
    const sortable = (field: string): Pick<VirtualColumn<Run>, 'sort' | 'onSort'> => ({
      sort: sort?.field === field ? (sort.direction === 'ASC' ? 'ascending' : 'descending') : undefined,
      onSort: () =>
        onSort({ field, direction: sort?.field === field && sort.direction === 'DESC' ? 'ASC' : 'DESC' }),
    });
    const base: VirtualColumn<Run>[] = [
      {
        key: 'select',
        header: <span className="sr-only">Select for comparison</span>,
        width: 40,
        render: (run) => (
          <input
            type="checkbox"
            aria-label={`Select ${runLabel(run)}`}
            checked={selected.has(run.info.runId)}
            onChange={(e) => onSelect(run.info.runId, e.target.checked)}
          />
        ),
      },
      {
        key: 'name',
        header: 'Run name',
        width: 220,
        ...sortable('attributes.run_name'),
        render: (run) => (
          <Link to={runUrl(run.info.experimentId, run.info.runId)} className="strong" title={run.info.runId}>
            {runLabel(run)}
          </Link>
        ),
      },
      {
        key: 'status',
        header: 'Status',
        width: 104,
        ...sortable('attributes.status'),
        render: (run) => <StatusBadge status={run.info.status} />,
      },
      {
        key: 'start',
        header: 'Started (UTC)',
        width: 160,
        ...sortable('attributes.start_time'),
        render: (run) => (
          <span title={isoMs(run.info.startTime)}>{formatMs(run.info.startTime, { seconds: true })}</span>
        ),
      },
      { key: 'duration', header: 'Duration', width: 96, render: (run) => runDuration(run) },
      {
        key: 'user',
        header: 'User',
        width: 120,
        ...sortable('attributes.user_id'),
        render: (run) => run.info.userId || <span className="muted">—</span>,
      },
    ];
    const values: VirtualColumn<Run>[] = columns.map((c) => {
      const field = orderField(c);
      return {
        key: columnId(c),
        header: (
          <>
            <span className={`col-kind col-kind-${c.kind}`} aria-hidden="true">
              {kindLabel[c.kind]}
            </span>
            {c.key}
          </>
        ),
        title: `${kindLabel[c.kind]} ${c.key}`,
        width: c.kind === 'metrics' ? 116 : 130,
        align: c.kind === 'metrics' ? 'right' : 'left',
        ...sortable(field),
        render: (run: Run) => {
          const list =
            c.kind === 'metrics' ? run.data.metrics : c.kind === 'params' ? run.data.params : run.data.tags;
          const found = list.find((x) => x.key === c.key);
          if (!found) return <span className="muted">—</span>;
          const text = typeof found.value === 'number' ? formatValue(found.value) : found.value;
          return <span title={String(found.value)}>{text}</span>;
        },
      };
    });
    return [...base, ...values];
  }, [columns, sort, onSort, selected, onSelect]);

  return (
    <VirtualTable
      label="Runs"
      columns={cols}
      rows={runs}
      rowKey={(r) => r.info.runId}
      totalCount={total ?? undefined}
      hasMore={hasMore}
      onNearEnd={onNearEnd}
      onRangeChange={onRangeChange}
      height={560}
      rowClassName={(r) => (selected.has(r.info.runId) ? 'row-selected' : undefined)}
      footer={loadingMore ? <span className="muted">Loading more runs…</span> : undefined}
    />
  );
}
