/**
 * CPU and memory use against allocatable: a donut per resource for the cluster and a bar per node,
 * drawn as plain SVG (no charting library, to keep the bundle small). Nodes without metrics show
 * "no metrics" instead of an empty bar. Plain markup (shell.css): the overview shows it on the
 * first load, before antd is loaded.
 */
import { formatBytes, formatCpu } from '../lib/nodes.ts';
import { arcPath, clusterUsage, percent, usageColor, type NodeUsage, type Usage } from '../lib/usage.ts';
import { t } from '../texts.ts';

type Resource = 'cpu' | 'memory';

// Numbers print as plain quantities, so the list pages' formatting applies unchanged.
const formatters: Record<Resource, (n: number) => string> = {
  cpu: (n) => formatCpu(String(n)),
  memory: (n) => formatBytes(String(Math.round(n))),
};

/** "1.5 / 4 cores" or "no metrics". */
function usageText(r: Resource, u: Usage): string {
  const alloc = formatters[r](u.allocatable);
  if (u.used === undefined) return `${t.usage.noMetrics} (${alloc}${r === 'cpu' ? ` ${t.usage.cores}` : ''})`;
  return `${formatters[r](u.used)} / ${alloc}${r === 'cpu' ? ` ${t.usage.cores}` : ''}`;
}

function Donut({ resource, usage, testId }: { resource: Resource; usage: Usage; testId: string }) {
  const title = resource === 'cpu' ? t.usage.cpu : t.usage.memory;
  return (
    <figure style={{ margin: 0, textAlign: 'center' }} data-testid={testId}>
      <svg
        width={120}
        height={120}
        viewBox="0 0 120 120"
        role="img"
        aria-label={`${title}: ${usageText(resource, usage)}`}
      >
        <circle cx={60} cy={60} r={48} fill="none" stroke="#f0f0f0" strokeWidth={14} />
        {usage.fraction !== undefined && usage.fraction > 0 ? (
          <path
            d={arcPath(usage.fraction, 60, 48)}
            fill="none"
            stroke={usageColor(usage.fraction)}
            strokeWidth={14}
          />
        ) : null}
        <text x={60} y={66} textAnchor="middle" fontSize={18} fill="currentColor">
          {percent(usage.fraction)}
        </text>
      </svg>
      <figcaption>
        <strong>{title}</strong>
        <br />
        <span className="berth-secondary">{usageText(resource, usage)}</span>
      </figcaption>
    </figure>
  );
}

function Bar({ resource, usage }: { resource: Resource; usage: Usage }) {
  const width = Math.min(Math.max(usage.fraction ?? 0, 0), 1) * 100;
  return (
    <div>
      <svg width="100%" height={10} role="presentation" style={{ display: 'block' }}>
        <rect x={0} y={0} width="100%" height={10} rx={5} fill="#f0f0f0" />
        {usage.fraction !== undefined ? (
          <rect x={0} y={0} width={`${width}%`} height={10} rx={5} fill={usageColor(usage.fraction)} />
        ) : null}
      </svg>
      <span className="berth-secondary" style={{ fontSize: 12 }}>
        {`${resource === 'cpu' ? t.usage.cpu : t.usage.memory}: ${usageText(resource, usage)}${
          usage.fraction !== undefined ? ` (${percent(usage.fraction)})` : ''
        }`}
      </span>
    </div>
  );
}

export function UsageCharts({ nodes }: { nodes: NodeUsage[] }) {
  const total = clusterUsage(nodes);
  return (
    <div className="berth-grid berth-grid-1-2">
      <div>
        <div style={{ display: 'flex', flexWrap: 'wrap', gap: 16, justifyContent: 'center' }}>
          <Donut resource="cpu" usage={total.cpu} testId="usage-cluster-cpu" />
          <Donut resource="memory" usage={total.memory} testId="usage-cluster-memory" />
        </div>
        <div
          className="berth-secondary"
          style={{ textAlign: 'center', marginTop: 8 }}
          data-testid="usage-reporting"
        >
          {t.usage.reporting(total.reporting, nodes.length)}
        </div>
      </div>
      <div style={{ display: 'flex', flexDirection: 'column', gap: 8 }}>
        {nodes.map((n) => (
          <div
            key={n.name}
            style={{ display: 'flex', alignItems: 'center', gap: 12 }}
            data-testid={`usage-node-${n.name}`}
          >
            <div
              style={{
                flex: '0 0 120px',
                overflow: 'hidden',
                textOverflow: 'ellipsis',
                whiteSpace: 'nowrap',
              }}
              title={n.name}
            >
              {n.name}
            </div>
            <div style={{ flex: 1, minWidth: 0, display: 'grid', gridTemplateColumns: '1fr 1fr', gap: 12 }}>
              <Bar resource="cpu" usage={n.cpu} />
              <Bar resource="memory" usage={n.memory} />
            </div>
          </div>
        ))}
      </div>
    </div>
  );
}
