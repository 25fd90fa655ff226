/**
 * Delete with a cascade choice: a confirmation offering what happens to the object's dependents
 * (propagationPolicy Background, Foreground or Orphan), Background by default as kubectl does.
 */
import { useState } from 'react';
import { App, Button, Radio, Space, Typography } from 'antd';
import { DeleteOutlined } from '@ant-design/icons';
import { clusterApi } from '../api/client.ts';
import { resourcePath, type ResourceKind } from '../api/kinds.ts';
import { errorMessage } from '../api/status.ts';
import type { KubeObject } from '../api/types.ts';
import { deleteOptions } from '../lib/forms.ts';
import { t } from '../texts.ts';
import { LazyPopconfirm } from './LazyPopconfirm.tsx';

type Propagation = 'Background' | 'Foreground' | 'Orphan';

export function DeleteWorkloadButton(props: {
  cluster: string;
  kind: ResourceKind;
  object: KubeObject;
  /** Show the word next to the icon. */
  withText?: boolean;
  /** Offer the cascade choice (objects with dependents); default true. */
  cascade?: boolean;
  onDeleted?: () => void;
}) {
  const { message } = App.useApp();
  const [propagation, setPropagation] = useState<Propagation>('Background');
  const { name, namespace } = props.object.metadata;

  const remove = async () => {
    try {
      await clusterApi(props.cluster).remove(
        resourcePath(props.kind, { namespace, name }),
        props.cascade === false ? undefined : deleteOptions(propagation),
      );
      message.success(t.common.deleted(props.kind.kind, name));
      props.onDeleted?.();
    } catch (err) {
      message.error(errorMessage(err));
    }
  };

  return (
    <LazyPopconfirm
      title={t.common.confirmDelete(props.kind.kind, name)}
      description={
        props.cascade === false ? undefined : (
          <Space direction="vertical" size={4} style={{ marginTop: 4 }}>
            <Typography.Text type="secondary">{t.workloads.cascade}</Typography.Text>
            <Radio.Group
              data-testid="delete-cascade"
              value={propagation}
              onChange={(e) => setPropagation(e.target.value as Propagation)}
              options={[
                { value: 'Background', label: t.workloads.cascadeBackground },
                { value: 'Foreground', label: t.workloads.cascadeForeground },
                { value: 'Orphan', label: t.workloads.cascadeOrphan },
              ]}
              style={{ display: 'flex', flexDirection: 'column' }}
            />
          </Space>
        )
      }
      onConfirm={() => remove()}
      okText={t.common.delete}
      okButtonProps={{ danger: true }}
    >
      {/* A native title, not a Tooltip: a tooltip would sit over the confirmation's button. */}
      <Button
        size="small"
        danger
        icon={<DeleteOutlined />}
        title={t.common.delete}
        aria-label={`${t.common.delete} ${name}`}
      >
        {props.withText ? t.common.delete : null}
      </Button>
    </LazyPopconfirm>
  );
}
