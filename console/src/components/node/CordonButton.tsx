/** Cordon or uncordon a node (the merge patch kubectl sends), with the server's message on failure. */
import { App, Button } from 'antd';
import { LockOutlined, UnlockOutlined } from '@ant-design/icons';
import { clusterApi } from '../../api/client.ts';
import { kinds, resourcePath } from '../../api/kinds.ts';
import { errorMessage } from '../../api/status.ts';
import type { NodeObject } from '../../api/types.ts';
import { cordonPatch } from '../../lib/nodes.ts';
import { t } from '../../texts.ts';

export function CordonButton({
  cluster,
  node,
  small,
}: {
  cluster: string;
  node: NodeObject;
  small?: boolean;
}) {
  const { message } = App.useApp();
  const name = node.metadata.name;
  const cordoned = node.spec?.unschedulable === true;
  const toggle = async () => {
    try {
      await clusterApi(cluster).mergePatch(resourcePath(kinds.nodes, { name }), cordonPatch(!cordoned));
      message.success(cordoned ? t.nodes.uncordoned(name) : t.nodes.cordoned(name));
    } catch (err) {
      message.error(errorMessage(err));
    }
  };
  return (
    <Button
      size={small ? 'small' : undefined}
      icon={cordoned ? <UnlockOutlined /> : <LockOutlined />}
      aria-label={`${cordoned ? t.nodes.uncordon : t.nodes.cordon} ${name}`}
      onClick={() => void toggle()}
    >
      {cordoned ? t.nodes.uncordon : t.nodes.cordon}
    </Button>
  );
}
