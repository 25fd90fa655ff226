/** Scale a Deployment or StatefulSet through its scale subresource; refusals show the server's message. */
import { useState } from 'react';
import { App, InputNumber, Modal, Space, Typography } from 'antd';
import { clusterApi } from '../api/client.ts';
import { resourcePath, type ResourceKind } from '../api/kinds.ts';
import type { KubeObject } from '../api/types.ts';
import { replicasError, scalePatch } from '../lib/forms.ts';
import { t } from '../texts.ts';
import { ErrorAlert } from './ErrorAlert.tsx';

export function ScaleModal({
  cluster,
  kind,
  object,
  onClose,
}: {
  cluster: string;
  kind: ResourceKind;
  object: KubeObject & { spec?: { replicas?: number } };
  onClose: () => void;
}) {
  const { message } = App.useApp();
  const [replicas, setReplicas] = useState<number | null>(object.spec?.replicas ?? 1);
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);
  const problem = replicasError(replicas);
  const { name, namespace } = object.metadata;

  const submit = async () => {
    if (problem || replicas === null) return;
    setBusy(true);
    setError(undefined);
    try {
      await clusterApi(cluster).mergePatch(
        resourcePath(kind, { namespace, name, subresource: 'scale' }),
        scalePatch(replicas),
      );
      message.success(t.workloads.scaled(kind.kind, name, replicas));
      onClose();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  return (
    <Modal
      open
      title={t.workloads.scaleTitle(kind.kind, name)}
      onOk={() => void submit()}
      okButtonProps={{ disabled: problem !== undefined }}
      confirmLoading={busy}
      onCancel={onClose}
    >
      {error ? <ErrorAlert error={error} /> : null}
      <Space direction="vertical">
        <Typography.Text>{t.workloads.replicas}</Typography.Text>
        <InputNumber
          aria-label={t.workloads.replicas}
          data-testid="scale-replicas"
          min={0}
          max={10000}
          value={replicas}
          onChange={setReplicas}
          onPressEnter={() => void submit()}
          status={problem ? 'error' : undefined}
          autoFocus
        />
        {problem ? <Typography.Text type="danger">{problem}</Typography.Text> : null}
      </Space>
    </Modal>
  );
}
