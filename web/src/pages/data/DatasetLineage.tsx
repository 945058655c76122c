import { useMemo } from 'react';
import { Link, useNavigate } from 'react-router-dom';
import type { DatasetVersion } from '../../../../src/sdk/index.js';
import { chartPalette } from '../../components/Chart.js';
import { GraphChart, type GraphChartOption } from '../../components/GraphChart.js';
import { escapeHtml } from '../../format.js';
import { formatCount, refUrl, sourceLabel } from './data-format.js';

/** How many generations up and down the graph follows. */
const depth = 3;

const kinds = [
  { key: 'parent', label: 'Made from', color: chartPalette[1]! },
  { key: 'self', label: 'This version', color: chartPalette[3]! },
  { key: 'child', label: 'Made from this', color: chartPalette[0]! },
] as const;

interface Node {
  ref: string;
  kind: 0 | 1 | 2;
  column: number;
  version: DatasetVersion | undefined;
}

/**
 * The versions around `ref`: its ancestors (parents, their parents … up to `depth`) and its
 * descendants. Parents come with every version; children are the versions of this dataset that name
 * it as a parent (versions of other datasets made from it are not listed by the API).
 */
export function lineageNodes(
  ref: string,
  parents: string[],
  versions: DatasetVersion[],
): { nodes: Node[]; edges: [string, string][] } {
  const byRef = new Map(versions.map((v) => [v.ref, v]));
  const up: string[][] = [];
  const edges: [string, string][] = [];
  const seen = new Set([ref]);
  let frontier = [ref];
  for (let level = 0; level < depth && frontier.length; level++) {
    const next: string[] = [];
    for (const r of frontier) {
      for (const p of r === ref ? parents : (byRef.get(r)?.parents ?? [])) {
        edges.push([p, r]);
        if (!seen.has(p)) {
          seen.add(p);
          next.push(p);
        }
      }
    }
    if (next.length) up.push(next);
    frontier = next;
  }
  const down: string[][] = [];
  frontier = [ref];
  for (let level = 0; level < depth && frontier.length; level++) {
    const next: string[] = [];
    for (const r of frontier) {
      for (const v of versions) {
        if (!v.parents.includes(r)) continue;
        edges.push([r, v.ref]);
        if (!seen.has(v.ref)) {
          seen.add(v.ref);
          next.push(v.ref);
        }
      }
    }
    if (next.length) down.push(next);
    frontier = next;
  }
  const nodes: Node[] = [];
  up.forEach((refs, i) => {
    for (const r of refs) nodes.push({ ref: r, kind: 0, column: up.length - 1 - i, version: byRef.get(r) });
  });
  nodes.push({ ref, kind: 1, column: up.length, version: byRef.get(ref) });
  down.forEach((refs, i) => {
    for (const r of refs) nodes.push({ ref: r, kind: 2, column: up.length + 1 + i, version: byRef.get(r) });
  });
  const known = new Set(nodes.map((n) => n.ref));
  return { nodes, edges: edges.filter(([a, b]) => known.has(a) && known.has(b)) };
}

function graphOption(nodes: Node[], edges: [string, string][]): GraphChartOption {
  const perColumn = new Map<number, number>();
  const row = nodes.map((n) => {
    const r = perColumn.get(n.column) ?? 0;
    perColumn.set(n.column, r + 1);
    return r;
  });
  const rows = Math.max(...perColumn.values());
  const columns = Math.max(...nodes.map((n) => n.column)) + 1;
  const byRef = new Map(nodes.map((n) => [n.ref, n]));
  return {
    legend: {
      data: kinds.filter((_, i) => nodes.some((n) => n.kind === i)).map((k) => k.label),
      top: 0,
      left: 0,
      itemWidth: 12,
      itemHeight: 10,
      selectedMode: false,
    },
    grid: { left: 0, right: 0, top: 36, bottom: 12 },
    xAxis: { type: 'value', show: false, min: -0.5, max: Math.max(columns, 3) - 0.5 },
    yAxis: { type: 'value', show: false, min: -rows / 2, max: rows / 2, inverse: true },
    series: [
      {
        type: 'graph',
        coordinateSystem: 'cartesian2d',
        categories: kinds.map((k) => ({ name: k.label, itemStyle: { color: k.color } })),
        symbol: 'roundRect',
        symbolSize: [168, 44],
        edgeLabel: { show: true, formatter: '▶', color: '#9ca3af', fontSize: 11 },
        lineStyle: { color: '#9ca3af', width: 1.5, opacity: 1 },
        emphasis: { focus: 'adjacency', lineStyle: { width: 2.5 } },
        label: {
          show: true,
          position: 'inside',
          formatter: (p: { name: string }) => {
            const n = byRef.get(p.name);
            if (!n) return '';
            const sub = n.version ? `${formatCount(n.version.rows)} rows` : 'DATASET VERSION';
            return `{t|${sub.replace(/[{}|]/g, ' ')}}\n{n|${n.ref.replace(/[{}|]/g, ' ')}}`;
          },
          rich: {
            t: { color: 'rgba(255,255,255,0.85)', fontSize: 9, fontWeight: 'bold', lineHeight: 14 },
            n: { color: '#fff', fontSize: 12, fontWeight: 'bold', lineHeight: 16 },
          },
        },
        tooltip: {
          formatter: (p: { name: string; dataType?: string }) => {
            if (p.dataType !== 'node') return '';
            const n = byRef.get(p.name);
            if (!n) return '';
            const v = n.version;
            const lines = [escapeHtml(n.ref)];
            if (v)
              lines.push(
                `${formatCount(v.rows)} rows`,
                escapeHtml(sourceLabel(v.source)),
                escapeHtml(v.message),
              );
            if (n.kind !== 1) lines.push('Click to open');
            return lines.filter(Boolean).join('<br/>');
          },
        },
        data: nodes.map((n, i) => ({
          name: n.ref,
          value: [n.column, row[i]! - ((perColumn.get(n.column) ?? 1) - 1) / 2],
          category: n.kind,
          cursor: n.kind === 1 ? 'default' : 'pointer',
        })),
        links: edges.map(([source, target]) => ({ source, target })),
      },
    ],
  };
}

/**
 * A version's lineage as a graph: the versions it was made from on the left, the versions of this
 * dataset made from it on the right. Nodes open their version; the same nodes are listed as links.
 */
export function DatasetLineage({
  version,
  versions,
}: {
  version: DatasetVersion;
  versions: DatasetVersion[];
}) {
  const navigate = useNavigate();
  const { nodes, edges } = useMemo(
    () => lineageNodes(version.ref, version.parents, versions),
    [version.ref, version.parents, versions],
  );
  const option = useMemo(() => graphOption(nodes, edges), [nodes, edges]);
  const rows = Math.max(1, ...nodes.map((n) => nodes.filter((m) => m.column === n.column).length));

  return (
    <>
      {nodes.length === 1 ? (
        <p className="muted">
          No lineage: {version.ref} was ingested from a source (not made from another version), and no version
          of this dataset was made from it yet.
        </p>
      ) : (
        <GraphChart
          option={option}
          label={`Lineage graph of ${version.ref}: ${nodes.length} versions`}
          height={Math.max(170, 70 + rows * 70)}
          onNodeClick={(node) => {
            const url = node.name === version.ref ? null : refUrl(node.name);
            if (url) navigate(`${url}?tab=lineage`);
          }}
        />
      )}
      <ul className="lineage-list" aria-label="Lineage nodes">
        {nodes.map((n) => {
          const url = refUrl(n.ref);
          return (
            <li key={n.ref}>
              <span className="lineage-dot" style={{ background: kinds[n.kind].color }} aria-hidden="true" />
              <span className="muted small">{kinds[n.kind].label}</span>{' '}
              {n.kind === 1 || !url ? (
                <span className="strong">{n.ref}</span>
              ) : (
                <Link to={`${url}?tab=lineage`}>{n.ref}</Link>
              )}
              {n.version && <span className="muted small"> {sourceLabel(n.version.source)}</span>}
            </li>
          );
        })}
      </ul>
      <p className="muted small">
        Versions of other datasets made from this one (by transform recipes) and the runs trained on it are
        not shown here yet: the API lists a version's parents, not what was made from it elsewhere.
      </p>
    </>
  );
}
