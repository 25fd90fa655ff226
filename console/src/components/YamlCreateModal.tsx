/**
 * "Create from YAML": a manifest editor whose problems show inline — parse errors before sending,
 * the server's Status (message and field causes) after.
 */
import { useState } from 'react';
import { App, Input, Modal, Typography } from 'antd';
import { clusterApi } from '../api/client.ts';
import { ApiError } from '../api/status.ts';
import type { KubeObject } from '../api/types.ts';
import { parseManifest } from '../lib/yaml.ts';
import { t } from '../texts.ts';
import { ErrorAlert } from './ErrorAlert.tsx';

export interface YamlCreateModalProps {
  cluster: string;
  open: boolean;
  initialText: string;
  defaultNamespace: string;
  onClose: () => void;
}

export function YamlCreateModal(props: YamlCreateModalProps) {
  const { message } = App.useApp();
  const [text, setText] = useState(props.initialText);
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);

  const submit = async () => {
    const parsed = parseManifest(text, props.defaultNamespace);
    if (!parsed.ok) {
      setError(new Error(parsed.error));
      return;
    }
    setBusy(true);
    setError(undefined);
    try {
      const created = await clusterApi(props.cluster).create<KubeObject>(parsed.collectionPath, {
        ...parsed.object,
        metadata: { ...parsed.object.metadata, namespace: parsed.namespace },
      });
      message.success(t.common.created(parsed.kind.kind, created.metadata.name));
      props.onClose();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  return (
    <Modal
      title={t.yaml.createTitle}
      open={props.open}
      onOk={() => void submit()}
      okText={t.common.create}
      okButtonProps={{ loading: busy }}
      onCancel={props.onClose}
      width={720}
      destroyOnHidden
    >
      <Typography.Paragraph type="secondary">{t.yaml.createHelp}</Typography.Paragraph>
      {error ? (
        <ErrorAlert error={error} title={error instanceof ApiError ? t.yaml.serverRefused : t.yaml.invalid} />
      ) : null}
      <Input.TextArea
        aria-label={t.yaml.createTitle}
        data-testid="yaml-editor"
        value={text}
        onChange={(e) => setText(e.target.value)}
        autoSize={{ minRows: 16, maxRows: 28 }}
        spellCheck={false}
        style={{ fontFamily: 'ui-monospace, SFMono-Regular, Menlo, monospace', fontSize: 13 }}
      />
    </Modal>
  );
}
