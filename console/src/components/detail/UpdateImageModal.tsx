/** Change container images of a workload's pod template, one field per container (init containers too). */
import { useState } from 'react';
import { App, Form, Input, Modal } from 'antd';
import { clusterApi } from '../../api/client.ts';
import { resourcePath, type ResourceKind } from '../../api/kinds.ts';
import type { KubeObject } from '../../api/types.ts';
import type { PodTemplate } from '../../api/workload-types.ts';
import { imagePatch } from '../../lib/rollout.ts';
import { t } from '../../texts.ts';
import { ErrorAlert } from '../ErrorAlert.tsx';

export function UpdateImageModal(props: {
  cluster: string;
  kind: ResourceKind;
  workload: KubeObject & { spec?: { template?: PodTemplate } };
  onClose: () => void;
}) {
  const { message } = App.useApp();
  const template = props.workload.spec?.template;
  const containers = [...(template?.spec?.initContainers ?? []), ...(template?.spec?.containers ?? [])];
  const [images, setImages] = useState<Record<string, string>>(() =>
    Object.fromEntries(containers.map((c) => [c.name, c.image ?? ''])),
  );
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);
  const { name, namespace } = props.workload.metadata;

  const submit = async () => {
    const ops = imagePatch(template, images);
    if (ops.length === 0) {
      message.info(t.detail.noImageChange);
      return;
    }
    setBusy(true);
    setError(undefined);
    try {
      await clusterApi(props.cluster).patch(
        resourcePath(props.kind, { namespace, name }),
        ops,
        'application/json-patch+json',
      );
      message.success(t.detail.imagesUpdated);
      props.onClose();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  return (
    <Modal
      open
      title={t.detail.updateImageTitle(name)}
      onOk={() => void submit()}
      confirmLoading={busy}
      onCancel={props.onClose}
      width={600}
    >
      {error ? <ErrorAlert error={error} /> : null}
      <Form layout="vertical" onFinish={() => void submit()}>
        {containers.map((c) => (
          <Form.Item key={c.name} label={c.name} htmlFor={`image-${c.name}`}>
            <Input
              id={`image-${c.name}`}
              data-testid={`image-${c.name}`}
              value={images[c.name] ?? ''}
              onChange={(e) => setImages((m) => ({ ...m, [c.name]: e.target.value }))}
              onPressEnter={() => void submit()}
            />
          </Form.Item>
        ))}
      </Form>
    </Modal>
  );
}
