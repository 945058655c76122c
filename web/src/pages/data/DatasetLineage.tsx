import { useMemo } from 'react';
import { Link, useNavigate } from 'react-router-dom';
import type { DataLineageNode, DatasetVersion, DatasetVersionLineage } from '../../../../src/sdk/index.js';
import { chartPalette } from '../../components/Chart.js';
import {
  columnGraphSeries,
  columnLayout,
  GraphChart,
  type GraphChartOption,
  nodeLabel,
} from '../../components/GraphChart.js';
import { escapeHtml } from '../../format.js';
import { versionIdUrl } from '../models/model-links.js';
import { formatCount, refUrl, sourceLabel } from './data-format.js';

/** How many generations up and down the graph follows (the lineage API's `depth`). */
export const lineageDepth = 3;

const kinds = [
  { key: 'parent', label: 'Made from', color: chartPalette[1]! },
  { key: 'self', label: 'This version', color: chartPalette[3]! },
  { key: 'child', label: 'Made from this', color: chartPalette[0]! },
] as const;

/** How an edge's target was made from its source, in words. */
const edgeWords: Record<string, string> = {
  recipe: 'by a recipe',
  join: 'joined in by a recipe',
  append: 'rows appended',
  derived: 'derived',
};

const typeWords: Record<string, string> = {
  dataset_version: 'dataset version',
  run: 'run',
  model_version: 'model version',
};

interface Node {
  /** The chart's node name: a dataset version's `name@3`, else `type:id`. */
  key: string;
  node: DataLineageNode;
  kind: 0 | 1 | 2;
  column: number;
}

const nodeKey = (n: { type: string; id: string }) =>
  n.type === 'dataset_version' ? n.id : `${n.type}:${n.id}`;

/** Where a node opens: a dataset version's page (on its Lineage tab) or a model version's; null otherwise. */
function nodeUrl(n: DataLineageNode): string | null {
  if (n.type === 'dataset_version') {
    const url = refUrl(n.id);
    return url ? `${url}?tab=lineage` : null;
  }
  return n.type === 'model_version' ? versionIdUrl(n.id) : null;
}

/** The graph's nodes (columns by generation, oldest on the left) and edges, from the lineage API's answer. */
function lineageGraph(lineage: DatasetVersionLineage): {
  nodes: Node[];
  edges: [string, string, string][];
} {
  const min = Math.min(0, ...lineage.nodes.map((n) => n.distance));
  const nodes: Node[] = lineage.nodes.map((n) => ({
    key: nodeKey(n),
    node: n,
    kind: n.distance < 0 ? 0 : n.distance === 0 ? 1 : 2,
    column: n.distance - min,
  }));
  const edges = lineage.edges.map((e): [string, string, string] => [nodeKey(e.src), nodeKey(e.dst), e.kind]);
  return { nodes, edges };
}

function graphOption(nodes: Node[], edges: [string, string, string][]): GraphChartOption {
  const layout = columnLayout(
    nodes.map((n) => n.column),
    kinds.filter((_, i) => nodes.some((n) => n.kind === i)).map((k) => k.label),
    3,
  );
  const byKey = new Map(nodes.map((n) => [n.key, n]));
  return {
    ...layout.option,
    series: [
      {
        ...columnGraphSeries(kinds),
        symbolSize: [184, 44],
        edgeSymbol: ['none', 'arrow'],
        edgeSymbolSize: 8,
        edgeLabel: {
          show: true,
          formatter: (p: { data?: unknown }) => String((p.data as { kind?: string } | null)?.kind ?? ''),
          color: '#6b7280',
          fontSize: 10,
          backgroundColor: '#fff',
          padding: [1, 3],
        },
        label: {
          show: true,
          position: 'inside',
          formatter: (p: { name: string }) => {
            const n = byKey.get(p.name);
            if (!n) return '';
            const v = n.node.version;
            const sub = v
              ? `${formatCount(v.rows)} rows`
              : (typeWords[n.node.type] ?? n.node.type.replace(/_/g, ' ')).toUpperCase();
            return nodeLabel(sub, n.node.id, 26);
          },
          rich: {
            t: { color: 'rgba(255,255,255,0.85)', fontSize: 9, fontWeight: 'bold', lineHeight: 14 },
            n: { color: '#fff', fontSize: 12, fontWeight: 'bold', lineHeight: 16 },
          },
        },
        tooltip: {
          formatter: (p: { name: string; dataType?: string }) => {
            if (p.dataType !== 'node') return '';
            const n = byKey.get(p.name);
            if (!n) return '';
            const v = n.node.version;
            const lines = [escapeHtml(`${typeWords[n.node.type] ?? n.node.type} ${n.node.id}`)];
            if (v)
              lines.push(
                `${formatCount(v.rows)} rows, ${v.columns.length} columns`,
                escapeHtml(sourceLabel(v.source)),
                escapeHtml(v.message),
              );
            if (n.kind !== 1 && nodeUrl(n.node)) lines.push('Click to open');
            return lines.filter(Boolean).join('<br/>');
          },
        },
        data: nodes.map((n, i) => ({
          name: n.key,
          value: layout.positions[i],
          category: n.kind,
          cursor: n.kind !== 1 && nodeUrl(n.node) ? 'pointer' : 'default',
        })),
        links: edges.map(([source, target, kind]) => ({ source, target, kind })),
      },
    ],
  };
}

/**
 * A version's lineage as a graph, across datasets: what it was made from on the left (up to three
 * generations), what was made from it on the right — versions of any dataset made by recipes,
 * appended batches, and anything else recorded as using it — each edge labelled with its kind.
 * Nodes open their version; the same nodes are listed as links.
 */
export function DatasetLineage({
  version,
  lineage,
}: {
  version: DatasetVersion;
  lineage: DatasetVersionLineage;
}) {
  const navigate = useNavigate();
  const { nodes, edges } = useMemo(() => lineageGraph(lineage), [lineage]);
  const option = useMemo(() => graphOption(nodes, edges), [nodes, edges]);
  const rows = Math.max(1, ...nodes.map((n) => nodes.filter((m) => m.column === n.column).length));
  const allVersions = nodes.every((n) => n.node.type === 'dataset_version');
  const how = new Map<string, string>();
  for (const l of [...lineage.parents, ...lineage.children]) how.set(nodeKey(l), l.kind);

  return (
    <>
      {nodes.length === 1 ? (
        <p className="muted">
          No lineage: {version.ref} was ingested from a source (not made from another version), and nothing
          was made from it yet.
        </p>
      ) : (
        <GraphChart
          option={option}
          label={`Lineage graph of ${version.ref}: ${nodes.length} ${allVersions ? 'versions' : 'nodes'}`}
          height={Math.max(170, 70 + rows * 70)}
          onNodeClick={(clicked) => {
            const n = nodes.find((x) => x.key === clicked.name);
            const url = n && n.kind !== 1 ? nodeUrl(n.node) : null;
            if (url) navigate(url);
          }}
        />
      )}
      <ul className="lineage-list" aria-label="Lineage nodes">
        {nodes.map((n) => {
          const url = nodeUrl(n.node);
          const edge = how.get(n.key);
          const v = n.node.version;
          return (
            <li key={n.key}>
              <span className="lineage-dot" style={{ background: kinds[n.kind].color }} aria-hidden="true" />
              <span className="muted small">{kinds[n.kind].label}</span>{' '}
              {n.node.type !== 'dataset_version' && (
                <span className="muted small">{typeWords[n.node.type] ?? n.node.type} </span>
              )}
              {n.kind === 1 || !url ? (
                <span className="strong">{n.node.id}</span>
              ) : (
                <Link to={url}>{n.node.id}</Link>
              )}
              {edge && <span className="tag lineage-kind">{edgeWords[edge] ?? edge}</span>}
              {Math.abs(n.node.distance) > 1 && (
                <span className="muted small"> ({Math.abs(n.node.distance)} generations)</span>
              )}
              {v && <span className="muted small"> {sourceLabel(v.source)}</span>}
            </li>
          );
        })}
      </ul>
      {lineage.truncated && (
        <p className="text-warn small">The lineage is larger than the 500 nodes shown.</p>
      )}
      <p className="muted small">
        Every lineage edge recorded for {version.ref} is shown, in any dataset, up to {lineageDepth}{' '}
        generations each way: versions made from it by recipes (and their splits), versions it was joined
        into, appended batches, and anything else recorded as using it.
      </p>
    </>
  );
}
