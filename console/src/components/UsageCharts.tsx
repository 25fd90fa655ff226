/**
 * CPU and memory use against allocatable: a donut per resource for the cluster and a bar per node,
 * drawn as plain SVG (no charting library, to keep the bundle small). Nodes without metrics show
 * "no metrics" instead of an empty bar.
 */
import { Col, Row, Space, Typography } from 'antd';
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
        <Typography.Text strong>{title}</Typography.Text>
        <br />
        <Typography.Text type="secondary">{usageText(resource, usage)}</Typography.Text>
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
      <Typography.Text type="secondary" style={{ fontSize: 12 }}>
        {`${resource === 'cpu' ? t.usage.cpu : t.usage.memory}: ${usageText(resource, usage)}${
          usage.fraction !== undefined ? ` (${percent(usage.fraction)})` : ''
        }`}
      </Typography.Text>
    </div>
  );
}

export function UsageCharts({ nodes }: { nodes: NodeUsage[] }) {
  const total = clusterUsage(nodes);
  return (
    <Row gutter={[16, 16]} align="top">
      <Col xs={24} md={8}>
        <Space size={16} wrap style={{ justifyContent: 'center', width: '100%' }}>
          <Donut resource="cpu" usage={total.cpu} testId="usage-cluster-cpu" />
          <Donut resource="memory" usage={total.memory} testId="usage-cluster-memory" />
        </Space>
        <Typography.Paragraph
          type="secondary"
          style={{ textAlign: 'center', marginTop: 8 }}
          data-testid="usage-reporting"
        >
          {t.usage.reporting(total.reporting, nodes.length)}
        </Typography.Paragraph>
      </Col>
      <Col xs={24} md={16}>
        <Space direction="vertical" style={{ width: '100%' }}>
          {nodes.map((n) => (
            <Row key={n.name} gutter={12} align="middle" data-testid={`usage-node-${n.name}`}>
              <Col flex="120px">
                <Typography.Text ellipsis>{n.name}</Typography.Text>
              </Col>
              <Col flex="auto">
                <Row gutter={12}>
                  <Col span={12}>
                    <Bar resource="cpu" usage={n.cpu} />
                  </Col>
                  <Col span={12}>
                    <Bar resource="memory" usage={n.memory} />
                  </Col>
                </Row>
              </Col>
            </Row>
          ))}
        </Space>
      </Col>
    </Row>
  );
}
