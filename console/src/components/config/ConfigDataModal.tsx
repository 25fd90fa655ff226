/**
 * Create or edit a ConfigMap or Secret with the key/value editor. A new object takes a name, a
 * namespace (and, for a Secret, a type, Opaque by default); an edit is sent as a PUT of the object
 * as it was opened, resourceVersion included, so when someone else changed it meanwhile the server
 * refuses with 409 Conflict: its message is shown, with a way to load the latest version.
 */
import { useState } from 'react';
import { App, AutoComplete, Form, Input, Modal, Select, Typography } from 'antd';
import { clusterApi, requestJson } from '../../api/client.ts';
import { clusterUrl, kinds, resourcePath } from '../../api/kinds.ts';
import type { Namespace } from '../../api/types.ts';
import { useWatchList } from '../../api/use-watch-list.ts';
import type { ConfigMap, Secret } from '../../api/workload-types.ts';
import {
  configMapBody,
  entriesFromConfigMap,
  entriesFromSecret,
  entryErrors,
  objectNameError,
  secretBody,
  secretTypes,
  type DataEntry,
} from '../../lib/config-entries.ts';
import { t } from '../../texts.ts';
import { SaveErrorAlert } from '../SaveErrorAlert.tsx';
import { DataEditor } from './DataEditor.tsx';

export interface ConfigDataModalProps {
  cluster: string;
  resource: 'configmaps' | 'secrets';
  /** The object to edit; a new one is created without it. */
  object?: ConfigMap | Secret;
  defaultNamespace: string;
  onClose: () => void;
}

export function ConfigDataModal(props: ConfigDataModalProps) {
  const { message } = App.useApp();
  const secret = props.resource === 'secrets';
  const kind = kinds[props.resource];
  const toEntries = (o: ConfigMap | Secret | undefined) =>
    secret ? entriesFromSecret(o as Secret | undefined) : entriesFromConfigMap(o as ConfigMap | undefined);

  const [base, setBase] = useState(props.object);
  const [entries, setEntries] = useState<DataEntry[]>(() => toEntries(props.object));
  const [name, setName] = useState('');
  const [namespace, setNamespace] = useState(props.defaultNamespace);
  const [type, setType] = useState<string>('Opaque');
  const [submitted, setSubmitted] = useState(false);
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);
  const namespaces = useWatchList<Namespace>(props.cluster, kinds.namespaces);

  const editing = base !== undefined;
  const allErrors = entryErrors(entries);
  // Before the first save, only keys the user typed are judged; empty new rows are not yet wrong.
  const keyErrors = submitted
    ? allErrors
    : Object.fromEntries(
        Object.entries(allErrors).filter(([id]) => entries.find((e) => e.id === id)?.key !== ''),
      );
  const nameError = editing ? undefined : objectNameError(name);

  const save = async () => {
    setSubmitted(true);
    if (nameError || Object.keys(allErrors).length > 0) {
      setError(new Error(t.dataEditor.fixErrors));
      return;
    }
    const meta = { name, namespace, type };
    const body = secret
      ? secretBody(entries, meta, base as Secret | undefined)
      : configMapBody(entries, meta, base);
    setBusy(true);
    setError(undefined);
    try {
      if (base) {
        const path = resourcePath(kind, { namespace: base.metadata.namespace, name: base.metadata.name });
        await requestJson(clusterUrl(props.cluster, path), { method: 'PUT', body });
        message.success(t.dataEditor.saved(kind.kind, base.metadata.name));
      } else {
        await clusterApi(props.cluster).create(resourcePath(kind, { namespace }), body);
        message.success(t.common.created(kind.kind, name));
      }
      props.onClose();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  const reload = async () => {
    if (!base) return;
    try {
      const path = resourcePath(kind, { namespace: base.metadata.namespace, name: base.metadata.name });
      const latest = await clusterApi(props.cluster).get<ConfigMap | Secret>(path);
      setBase(latest);
      setEntries(toEntries(latest));
      setError(undefined);
      setSubmitted(false);
    } catch (err) {
      setError(err);
    }
  };

  return (
    <Modal
      open
      title={
        editing ? t.dataEditor.editTitle(kind.kind, base.metadata.name) : t.dataEditor.createTitle(kind.kind)
      }
      onOk={() => void save()}
      okText={editing ? t.dataEditor.save : t.common.create}
      okButtonProps={{ loading: busy }}
      onCancel={props.onClose}
      width={820}
      destroyOnHidden
    >
      <Typography.Paragraph type="secondary">
        {t.dataEditor.help} {secret ? t.dataEditor.secretHelp : null}
      </Typography.Paragraph>
      {error ? <SaveErrorAlert error={error} onReload={editing ? () => void reload() : undefined} /> : null}
      <Form layout="vertical" component="div">
        {editing ? null : (
          <>
            <Form.Item
              label={t.common.name}
              htmlFor="config-data-name"
              required
              validateStatus={submitted && nameError ? 'error' : undefined}
              help={submitted ? nameError : undefined}
            >
              <Input id="config-data-name" value={name} onChange={(e) => setName(e.target.value)} autoFocus />
            </Form.Item>
            <Form.Item label={t.common.namespace} htmlFor="config-data-namespace">
              <Select
                id="config-data-namespace"
                showSearch
                value={namespace}
                onChange={setNamespace}
                options={namespaces.items.map((n) => ({ value: n.metadata.name, label: n.metadata.name }))}
              />
            </Form.Item>
            {secret ? (
              <Form.Item label={t.secrets.type} htmlFor="config-data-type">
                <AutoComplete
                  id="config-data-type"
                  value={type}
                  onChange={setType}
                  options={secretTypes.map((v) => ({ value: v }))}
                />
              </Form.Item>
            ) : null}
          </>
        )}
        <Form.Item label={t.dataEditor.keys}>
          <DataEditor
            entries={entries}
            onChange={setEntries}
            errors={keyErrors}
            secret={secret}
            onFileError={setError}
          />
        </Form.Item>
      </Form>
    </Modal>
  );
}
