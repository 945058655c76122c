import { type ReactNode, type UIEvent, useCallback, useEffect, useRef, useState } from 'react';

/** One column of a `VirtualTable`. */
export interface VirtualColumn<T> {
  key: string;
  /** Header content; also the column's accessible name. */
  header: ReactNode;
  /** Width in px (the table lays out fixed, so every row has the same height). */
  width: number;
  render(row: T, index: number): ReactNode;
  align?: 'left' | 'right';
  /** The current sort of this column, when the table is sorted by it. */
  sort?: 'ascending' | 'descending';
  /** Makes the header a button that asks to sort by this column. */
  onSort?: () => void;
  /** A title for the header (e.g. the full key when the header is abbreviated). */
  title?: string;
}

/**
 * The rows to render for a viewport: `[first, last)` with `overscan` extra rows on each side.
 * Pure, so the windowing arithmetic is testable on its own.
 */
function visibleRange(
  scrollTop: number,
  viewportHeight: number,
  rowHeight: number,
  rowCount: number,
  overscan: number,
): { first: number; last: number } {
  const first = Math.max(0, Math.floor(scrollTop / rowHeight) - overscan);
  const last = Math.min(rowCount, Math.ceil((scrollTop + viewportHeight) / rowHeight) + overscan);
  return { first, last: Math.max(first, last) };
}

export interface VirtualTableProps<T> {
  /** The accessible name of the table. */
  label: string;
  columns: VirtualColumn<T>[];
  /** The rows loaded so far. */
  rows: T[];
  rowKey(row: T): string;
  /** Every matching row, loaded or not (for `aria-rowcount`); defaults to `rows.length`. */
  totalCount?: number;
  /** Fixed height of one row in px. Default 34. */
  rowHeight?: number;
  /** Height of the scrolling viewport in px. Default 520. */
  height?: number;
  /** Rows rendered beyond the viewport on each side. Default 12. */
  overscan?: number;
  /** More rows exist than `rows` holds: `onNearEnd` is called when the user scrolls near the end. */
  hasMore?: boolean;
  /** Asks for the next page. Called again only after `rows` grew. */
  onNearEnd?: () => void;
  /** A row shown after the last loaded row (e.g. "Loading more…"). */
  footer?: ReactNode;
  /** Marks a row (e.g. selected). */
  rowClassName?(row: T): string | undefined;
  /** Told the 0-based `[first, last)` rows in view (without overscan) whenever they change. */
  onRangeChange?(first: number, last: number): void;
}

/**
 * A table whose body only renders the rows in view (plus `overscan`), with spacer rows above and
 * below standing in for the rest, so it stays fast with 100,000 rows. Rows have a fixed height;
 * the header stays put while the body scrolls. Near the end of the loaded rows it calls
 * `onNearEnd` so the caller can fetch the next page.
 */
export function VirtualTable<T>({
  label,
  columns,
  rows,
  rowKey,
  totalCount,
  rowHeight = 34,
  height = 520,
  overscan = 12,
  hasMore = false,
  onNearEnd,
  footer,
  rowClassName,
  onRangeChange,
}: VirtualTableProps<T>) {
  const viewport = useRef<HTMLDivElement>(null);
  const [scrollTop, setScrollTop] = useState(0);
  const [viewportHeight, setViewportHeight] = useState(height);
  const frame = useRef(0);
  const askedAt = useRef(-1);

  useEffect(() => {
    const el = viewport.current;
    if (!el) return;
    const observer = new ResizeObserver(() => setViewportHeight(el.clientHeight));
    observer.observe(el);
    return () => {
      observer.disconnect();
      cancelAnimationFrame(frame.current);
    };
  }, []);

  const onScroll = useCallback((event: UIEvent<HTMLDivElement>) => {
    const top = event.currentTarget.scrollTop;
    cancelAnimationFrame(frame.current);
    frame.current = requestAnimationFrame(() => setScrollTop(top));
  }, []);

  // When the rows are replaced (a new filter or sort), go back to the top.
  const firstKey = rows.length > 0 ? rowKey(rows[0]!) : '';
  useEffect(() => {
    void firstKey;
    if (viewport.current) viewport.current.scrollTop = 0;
    setScrollTop(0);
    askedAt.current = -1;
  }, [firstKey]);

  const headerHeight = rowHeight;
  // The sticky header covers the top of the viewport: body rows show from scrollTop down.
  const bodyTop = scrollTop;
  const { first, last } = visibleRange(bodyTop, viewportHeight, rowHeight, rows.length, overscan);

  useEffect(() => {
    if (!hasMore || !onNearEnd) return;
    const nearEnd = last >= rows.length - overscan * 2;
    if (nearEnd && askedAt.current !== rows.length) {
      askedAt.current = rows.length;
      onNearEnd();
    }
  }, [hasMore, onNearEnd, last, rows.length, overscan]);

  const inView = visibleRange(bodyTop, viewportHeight - headerHeight, rowHeight, rows.length, 0);
  useEffect(() => onRangeChange?.(inView.first, inView.last), [onRangeChange, inView.first, inView.last]);

  const width = columns.reduce((sum, c) => sum + c.width, 0);
  const span = columns.length;
  const padTop = first * rowHeight;
  const padBottom = (rows.length - last) * rowHeight;

  return (
    <div
      ref={viewport}
      className="vtable-viewport"
      style={{ maxHeight: height }}
      onScroll={onScroll}
      // biome-ignore lint/a11y/noNoninteractiveTabindex: the scroll area must be reachable by keyboard
      tabIndex={0}
    >
      <table
        className="table vtable"
        aria-label={label}
        aria-rowcount={(totalCount ?? rows.length) + 1}
        style={{ width, minWidth: '100%' }}
      >
        <colgroup>
          {columns.map((c) => (
            <col key={c.key} style={{ width: c.width }} />
          ))}
        </colgroup>
        <thead>
          <tr aria-rowindex={1} style={{ height: headerHeight }}>
            {columns.map((c) => (
              <th
                key={c.key}
                scope="col"
                aria-sort={c.sort ?? (c.onSort ? 'none' : undefined)}
                className={c.align === 'right' ? 'num' : undefined}
                title={c.title}
              >
                {c.onSort ? (
                  <button type="button" className="vtable-sort" onClick={c.onSort}>
                    <span className="vtable-sort-label">{c.header}</span>
                    <span aria-hidden="true" className="vtable-sort-mark">
                      {c.sort === 'ascending' ? '▲' : c.sort === 'descending' ? '▼' : '↕'}
                    </span>
                  </button>
                ) : (
                  c.header
                )}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {padTop > 0 && (
            <tr className="vtable-spacer" style={{ height: padTop }}>
              <td colSpan={span} aria-hidden="true" />
            </tr>
          )}
          {rows.slice(first, last).map((row, i) => {
            const index = first + i;
            return (
              <tr
                key={rowKey(row)}
                aria-rowindex={index + 2}
                style={{ height: rowHeight }}
                className={rowClassName?.(row)}
              >
                {columns.map((c) => (
                  <td key={c.key} className={c.align === 'right' ? 'num' : undefined}>
                    {c.render(row, index)}
                  </td>
                ))}
              </tr>
            );
          })}
          {padBottom > 0 && (
            <tr className="vtable-spacer" style={{ height: padBottom }}>
              <td colSpan={span} aria-hidden="true" />
            </tr>
          )}
          {footer && (
            <tr className="vtable-footer" style={{ height: rowHeight }}>
              <td colSpan={span}>{footer}</td>
            </tr>
          )}
        </tbody>
      </table>
    </div>
  );
}
