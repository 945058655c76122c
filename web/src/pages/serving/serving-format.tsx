// Display helpers of the serving pages: links, the state badge, how routes and fallbacks read.
import type { DeploymentSpec, DeploymentStatus } from '../../../../src/sdk/index.js';

/** The endpoint page of a deployment. */
export function deploymentUrl(name: string): string {
  return `/serving/${encodeURIComponent(name)}`;
}

/** A deployment's state as a badge: ready, failed, or ready with degraded models (the word is always shown). */
export function StateBadge({ deployment }: { deployment: Pick<DeploymentStatus, 'state' | 'degraded'> }) {
  if (deployment.state === 'failed') return <span className="run-status run-failed">failed</span>;
  if (deployment.degraded.length)
    return <span className="run-status serving-degraded">ready · {deployment.degraded.length} degraded</span>;
  return <span className="run-status run-finished">ready</span>;
}

/** What answers requests when the spec has no traffic split: the graph's kind and its models. */
export function graphSummary(spec: DeploymentSpec): string | null {
  const g = spec.graph;
  if (!g) return null;
  if (g.kind === 'sequence') return `sequence: ${g.steps.map((s) => s.model).join(' → ')}`;
  if (g.kind === 'parallel')
    return `parallel (${g.combiner}): ${g.members.map((m) => m.model).join(', ')}${g.stacker ? ` → ${g.stacker}` : ''}`;
  return `switch: ${g.cases.map((c) => c.model).join(', ')}, else ${g.default}`;
}

/** The distinct versions a deployment serves (`churn@1`, `churn@2`), in reference order. */
export function servedVersions(d: Pick<DeploymentStatus, 'versions'>): string[] {
  return [...new Set(Object.values(d.versions))];
}
