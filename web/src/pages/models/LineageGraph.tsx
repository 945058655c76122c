import { useMemo } from 'react';
import { Link, useNavigate } from 'react-router-dom';
import type { LineageNode, Run, VersionLineage } from '../../../../src/sdk/index.js';
import { chartPalette } from '../../components/Chart.js';
import {
  columnGraphSeries,
  columnLayout,
  GraphChart,
  type GraphChartOption,
  nodeLabel,
} from '../../components/GraphChart.js';
import { escapeHtml } from '../../format.js';
import { runUrl } from '../experiments/run-format.js';
import { versionIdUrl } from './model-links.js';

/** Node kinds, in the order of the legend, with their colours (the chart palette). */
const kinds = [
  { key: 'dataset', label: 'Dataset', color: chartPalette[1]! },
  { key: 'run', label: 'Run', color: chartPalette[0]! },
  { key: 'model_version', label: 'Model version', color: chartPalette[3]! },
  { key: 'other', label: 'Other', color: chartPalette[2]! },
] as const;

function kindIndex(type: string): number {
  const i = kinds.findIndex((k) => k.key === type);
  return i === -1 ? kinds.length - 1 : i;
}

/** One drawn node: where it sits, what it says, where a click goes. */
interface Drawn {
  id: string;
  kind: number;
  title: string;
  caption: string;
  tooltip: string;
  href: string | null;
  column: number;
}

/** The nodes of a version's lineage: datasets → run → this version → what was made from it. */
function lineageNodes(
  lineage: VersionLineage,
  run: Run | null,
): { nodes: Drawn[]; edges: [string, string][] } {
  const self = `model_version:${lineage.name}/${lineage.version}`;
  const runNode = lineage.upstream.find((n) => n.type === 'run');
  const datasets = lineage.upstream.filter((n) => n.type === 'dataset');
  const others = lineage.upstream.filter((n) => n.type !== 'run' && n.type !== 'dataset');
  const runColumn = datasets.length ? 1 : 0;
  const selfColumn = runNode ? runColumn + 1 : datasets.length || others.length ? 1 : 0;
  const nodes: Drawn[] = [];
  const edges: [string, string][] = [];
  const runId = runNode ? `run:${runNode.id}` : null;

  for (const d of datasets) {
    nodes.push({
      id: `dataset:${d.id}`,
      kind: 0,
      title: 'DATASET',
      caption: d.name ?? d.id,
      tooltip: `Dataset ${escapeHtml(d.name ?? d.id)}<br/>digest ${escapeHtml(d.digest ?? '—')}<br/>${escapeHtml(d.source ?? '')}`,
      href: null,
      column: 0,
    });
    edges.push([`dataset:${d.id}`, runId ?? self]);
  }
  for (const o of others) {
    nodes.push(otherNode(o, selfColumn - 1));
    edges.push([`${o.type}:${o.id}`, self]);
  }
  if (runNode && runId) {
    const exp = run?.info.runId === runNode.id ? run.info.experimentId : null;
    nodes.push({
      id: runId,
      kind: 1,
      title: 'RUN',
      caption: run?.info.runName || runNode.id,
      tooltip: `Run ${escapeHtml(runNode.id)}${run ? `<br/>${escapeHtml(run.info.runName)} (${run.info.status})` : ''}${exp ? '<br/>Click to open the run' : ''}`,
      href: exp ? runUrl(exp, runNode.id) : null,
      column: runColumn,
    });
    edges.push([runId, self]);
  }
  nodes.push({
    id: self,
    kind: 2,
    title: 'MODEL VERSION',
    caption: `${lineage.name} v${lineage.version}`,
    tooltip: `${escapeHtml(lineage.name)} version ${lineage.version} (this version)`,
    href: null,
    column: selfColumn,
  });
  for (const d of lineage.downstream) {
    nodes.push(otherNode(d, selfColumn + 1));
    edges.push([self, `${d.type}:${d.id}`]);
  }
  return { nodes, edges };
}

function otherNode(n: LineageNode, column: number): Drawn {
  return {
    id: `${n.type}:${n.id}`,
    kind: kindIndex(n.type),
    title: n.type.replace(/_/g, ' ').toUpperCase(),
    caption: n.name ?? n.id,
    tooltip: `${escapeHtml(n.type)} ${escapeHtml(n.id)}${n.type === 'model_version' ? '<br/>Click to open' : ''}`,
    href: n.type === 'model_version' ? versionIdUrl(n.id) : null,
    column,
  };
}

/** The ECharts option: columns left to right, nodes coloured and labelled by type. */
function graphOption(nodes: Drawn[], edges: [string, string][]): GraphChartOption {
  const layout = columnLayout(
    nodes.map((n) => n.column),
    kinds.filter((_, i) => nodes.some((n) => n.kind === i)).map((k) => k.label),
  );
  const byId = new Map(nodes.map((n) => [n.id, n]));
  return {
    ...layout.option,
    series: [
      {
        ...columnGraphSeries(kinds),
        symbolSize: [168, 44],
        // Edges run centre to centre, so an arrow head would hide under the target: the direction
        // is marked mid-edge instead (everything flows left to right).
        edgeLabel: { show: true, formatter: '▶', color: '#9ca3af', fontSize: 11 },
        label: {
          show: true,
          position: 'inside',
          formatter: (p: { name: string }) => {
            const n = byId.get(p.name);
            return n ? nodeLabel(n.title, n.caption, 22) : '';
          },
          rich: {
            t: { color: 'rgba(255,255,255,0.8)', fontSize: 9, fontWeight: 'bold', lineHeight: 14 },
            n: { color: '#fff', fontSize: 12, fontWeight: 'bold', lineHeight: 16 },
          },
        },
        tooltip: {
          formatter: (p: { name: string; dataType?: string }) =>
            p.dataType === 'node' ? (byId.get(p.name)?.tooltip ?? '') : '',
        },
        data: nodes.map((n, i) => ({
          name: n.id,
          value: layout.positions[i],
          category: n.kind,
          cursor: n.href ? 'pointer' : 'default',
        })),
        links: edges.map(([source, target]) => ({ source, target })),
      },
    ],
  };
}

/**
 * The lineage of one version as a graph (dataset versions → run → this version → downstream), with a
 * list of the same nodes as links for keyboards and screen readers. A click on the run opens it.
 */
export function LineageGraph({ lineage, run }: { lineage: VersionLineage; run: Run | null }) {
  const navigate = useNavigate();
  const { nodes, edges } = useMemo(() => lineageNodes(lineage, run), [lineage, run]);
  const option = useMemo(() => graphOption(nodes, edges), [nodes, edges]);
  const rows = Math.max(1, ...[0, 1, 2, 3].map((c) => nodes.filter((n) => n.column === c).length));

  if (lineage.upstream.length === 0 && lineage.downstream.length === 0) {
    return (
      <p className="muted">
        No lineage: this version was registered without a run, so Lathe does not know what data it was trained
        on. Register versions with <code>runId</code> to link them to their run and its datasets.
      </p>
    );
  }
  return (
    <>
      <GraphChart
        option={option}
        label={`Lineage graph of ${lineage.name} version ${lineage.version}: ${nodes.length} nodes`}
        height={Math.max(170, 70 + rows * 70)}
        onNodeClick={(node) => {
          const href = nodes.find((n) => n.id === node.name)?.href;
          if (href) navigate(href);
        }}
      />
      <ul className="lineage-list" aria-label="Lineage nodes">
        {nodes.map((n) => (
          <li key={n.id}>
            <span className={`lineage-dot lineage-${kinds[n.kind]!.key}`} aria-hidden="true" />
            <span className="muted small">{kinds[n.kind]!.label}</span>{' '}
            {n.href ? <Link to={n.href}>{n.caption}</Link> : <span className="strong">{n.caption}</span>}
            {n.kind === 0 && <DatasetFacts lineage={lineage} id={n.id.slice('dataset:'.length)} />}
          </li>
        ))}
      </ul>
    </>
  );
}

function DatasetFacts({ lineage, id }: { lineage: VersionLineage; id: string }) {
  const d = lineage.upstream.find((n) => n.type === 'dataset' && n.id === id);
  if (!d) return null;
  return (
    <span className="muted small">
      {' '}
      digest <code>{d.digest ?? '—'}</code>
      {d.source ? (
        <>
          {' '}
          from <code>{d.source}</code>
        </>
      ) : null}
    </span>
  );
}
