/** A node's status as tags: Ready / NotReady / Unknown, plus SchedulingDisabled when cordoned. */
import { Tag } from 'antd';
import type { NodeObject } from '../../api/types.ts';
import { nodeStatus } from '../../lib/nodes.ts';
import { StatusTag } from '../StatusTag.tsx';

export function NodeStatusTags({ node }: { node: NodeObject }) {
  const [ready, extra] = nodeStatus(node).split(',');
  return (
    <span data-testid="node-status">
      <StatusTag status={ready} />
      {extra ? <Tag color="warning">{extra}</Tag> : null}
    </span>
  );
}
