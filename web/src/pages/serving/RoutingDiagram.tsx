import type { DeploymentStatus } from '../../../../src/sdk/index.js';

/** One row of the diagram: a model reference reached from the split, and the version it resolves to. */
interface Row {
  kind: 'route' | 'shadow' | 'fallback';
  ref: string;
  /** The pill on the edge: `90%`, `mirror 100%`, `fallback`, a graph step. */
  pill: string;
  /** The second line of the model box. */
  note: string;
  degraded: boolean;
}

const width = 860;
const rowH = 62;
const boxH = 44;
const request = { x: 12, w: 118 };
const splitX = 176;
const pill = { x: 196, w: 86 };
const route = { x: 300, w: 250 };
const version = { x: 600, w: 200 };

const clip = (s: string, n: number) => (s.length > n ? `${s.slice(0, n - 1)}…` : s);

/** The rows of a deployment: its traffic split (or graph nodes), shadows, then its fallback. */
function rowsOf(d: DeploymentStatus, triggers: string): Row[] {
  const { spec } = d;
  const rows: Row[] = [];
  const degraded = new Set(d.degraded);
  const g = spec.graph;
  if (g?.kind === 'sequence')
    for (const [i, s] of g.steps.entries())
      rows.push({
        kind: 'route',
        ref: s.model,
        pill: `step ${i + 1}`,
        note: `output → ${s.output}`,
        degraded: false,
      });
  else if (g?.kind === 'parallel')
    for (const m of g.members)
      rows.push({
        kind: 'route',
        ref: m.model,
        pill: `w ${m.weight}`,
        note: `${g.combiner} of members`,
        degraded: false,
      });
  else if (g?.kind === 'switch') {
    for (const [i, c] of g.cases.entries())
      rows.push({
        kind: 'route',
        ref: c.model,
        pill: `case ${i + 1}`,
        note: 'when its condition holds',
        degraded: false,
      });
    rows.push({ kind: 'route', ref: g.default, pill: 'default', note: 'no case matched', degraded: false });
  } else
    for (const m of spec.models)
      rows.push({
        kind: 'route',
        ref: m.model,
        pill: `${m.traffic}%`,
        note: degraded.has(m.model) ? 'degraded: the fallback answers' : `${m.traffic}% of requests`,
        degraded: degraded.has(m.model),
      });
  for (const s of spec.shadow)
    rows.push({
      kind: 'shadow',
      ref: s.model,
      pill: `mirror ${s.traffic}%`,
      note: 'mirrored, never returned',
      degraded: false,
    });
  if (spec.fallback)
    rows.push({ kind: 'fallback', ref: spec.fallback, pill: 'fallback', note: triggers, degraded: false });
  return rows;
}

/** The fallback's triggers in a few words: errors, refused rows, the latency budget, degraded models. */
function triggerText(d: DeploymentStatus): string {
  const budget = d.spec.latencyBudgetMs;
  return `answers on: errors · refused rows · ${budget !== null ? `timeout > ${budget} ms` : 'no timeout budget'} · degraded`;
}

/**
 * How a request reaches a model: the request, the split with each route's share, each model
 * reference and the version it resolves to; shadows dashed ("mirrored, never returned"); the
 * fallback with what triggers it. Plain SVG whose text is readable by screen readers and tests.
 */
export function RoutingDiagram({ deployment: d }: { deployment: DeploymentStatus }) {
  const triggers = triggerText(d);
  const rows = rowsOf(d, triggers);
  const height = rows.length * rowH + 20 + (d.spec.fallback ? 8 : 0);
  const primary = rows.filter((r) => r.kind === 'route');
  const midOf = (i: number) => 12 + i * rowH + boxH / 2;
  const centre = primary.length ? (midOf(0) + midOf(primary.length - 1)) / 2 : midOf(0);
  const label = `Routing of ${d.name}: ${rows
    .map(
      (r) =>
        `${r.pill} to ${r.ref}${d.versions[r.ref] ? ` (${d.versions[r.ref]})` : ''}${r.kind === 'shadow' ? ', mirrored' : ''}`,
    )
    .join('; ')}`;

  return (
    <figure className="routing">
      <svg
        className="routing-svg"
        viewBox={`0 0 ${width} ${height}`}
        width="100%"
        style={{ maxWidth: width }}
        role="img"
        aria-label={label}
      >
        <defs>
          <marker
            id="routing-arrow"
            viewBox="0 0 10 10"
            refX="9"
            refY="5"
            markerWidth="7"
            markerHeight="7"
            orient="auto"
          >
            <path d="M0,0 L10,5 L0,10 z" className="routing-arrowhead" />
          </marker>
        </defs>
        <g>
          <rect
            x={request.x}
            y={centre - boxH / 2}
            width={request.w}
            height={boxH}
            rx={6}
            className="routing-request"
          />
          <text x={request.x + request.w / 2} y={centre - 3} textAnchor="middle" className="routing-title">
            request
          </text>
          <text x={request.x + request.w / 2} y={centre + 12} textAnchor="middle" className="routing-note">
            {d.spec.sticky ? `sticky by ${clip(d.spec.sticky, 12)}` : `/endpoints/${clip(d.name, 8)}`}
          </text>
          <line x1={request.x + request.w} y1={centre} x2={splitX - 8} y2={centre} className="routing-edge" />
          <circle cx={splitX} cy={centre} r={8} className="routing-split" />
        </g>
        {rows.map((r, i) => {
          const mid = midOf(i);
          const top = mid - boxH / 2;
          const resolved = d.versions[r.ref];
          const cls = `routing-row routing-${r.kind}${r.degraded ? ' routing-degraded' : ''}`;
          const dashed = r.kind !== 'route';
          return (
            <g key={`${r.kind}-${r.pill}-${r.ref}`} className={cls}>
              <path
                d={`M${splitX + 8},${centre} C${splitX + 20},${centre} ${pill.x - 12},${mid} ${pill.x},${mid}`}
                className="routing-edge"
                strokeDasharray={dashed ? '5 4' : undefined}
              />
              <rect x={pill.x} y={mid - 11} width={pill.w} height={22} rx={11} className="routing-pill" />
              <text x={pill.x + pill.w / 2} y={mid + 4} textAnchor="middle" className="routing-pill-text">
                {r.pill}
              </text>
              <line
                x1={pill.x + pill.w}
                y1={mid}
                x2={route.x - 2}
                y2={mid}
                className="routing-edge"
                strokeDasharray={dashed ? '5 4' : undefined}
                markerEnd="url(#routing-arrow)"
              />
              <rect
                x={route.x}
                y={top}
                width={route.w}
                height={boxH}
                rx={6}
                className="routing-box"
                strokeDasharray={dashed ? '6 4' : undefined}
              />
              <text x={route.x + 12} y={mid - 3} className="routing-title">
                <title>{r.ref}</title>
                {clip(r.ref, 32)}
              </text>
              <text x={route.x + 12} y={mid + 13} className="routing-note">
                {r.kind === 'fallback' ? 'stands in for the primary' : r.note}
              </text>
              <line
                x1={route.x + route.w}
                y1={mid}
                x2={version.x - 2}
                y2={mid}
                className="routing-edge"
                strokeDasharray={dashed ? '5 4' : undefined}
                markerEnd="url(#routing-arrow)"
              />
              <rect
                x={version.x}
                y={top}
                width={version.w}
                height={boxH}
                rx={6}
                className="routing-version"
              />
              <text x={version.x + 12} y={mid - 3} className="routing-title">
                {resolved ? clip(resolved, 26) : 'not loaded'}
              </text>
              <text x={version.x + 12} y={mid + 13} className="routing-note">
                {resolved
                  ? r.ref === resolved
                    ? 'version'
                    : `resolved from ${clip(r.ref.split('@').pop() ?? '', 14)}`
                  : d.state}
              </text>
              {r.kind === 'fallback' && (
                <text x={route.x} y={top + boxH + 14} className="routing-trigger">
                  {r.note}
                </text>
              )}
            </g>
          );
        })}
      </svg>
      <figcaption className="muted small">
        Solid: requests split by share, the answer returned. Dashed: shadows (mirrored, never returned) and
        the fallback ({triggers.replace('answers on: ', 'when ')}).
      </figcaption>
    </figure>
  );
}
