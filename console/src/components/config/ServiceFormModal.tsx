/**
 * "Create by form" on the Services page: name, namespace, type, pod selector and ports (port,
 * target port, protocol, node port for NodePort/LoadBalancer). The server's refusal is shown as
 * it worded it, with its field causes.
 */
import { useState } from 'react';
import { App, Button, Form, Input, InputNumber, Modal, Radio, Select, Space } from 'antd';
import { DeleteOutlined, PlusOutlined } from '@ant-design/icons';
import { clusterApi } from '../../api/client.ts';
import { kinds, resourcePath } from '../../api/kinds.ts';
import type { Namespace } from '../../api/types.ts';
import { useWatchList } from '../../api/use-watch-list.ts';
import { dnsLabelError } from '../../lib/forms.ts';
import {
  emptyServiceForm,
  serviceFromForm,
  serviceTypes,
  type ServiceCreateForm,
} from '../../lib/service-form.ts';
import { t } from '../../texts.ts';
import { ErrorAlert } from '../ErrorAlert.tsx';
import { KeyValueList } from '../workload-form/KeyValueList.tsx';

export interface ServiceFormModalProps {
  cluster: string;
  defaultNamespace: string;
  onClose: () => void;
}

export function ServiceFormModal(props: ServiceFormModalProps) {
  const { message } = App.useApp();
  const [form] = Form.useForm<ServiceCreateForm>();
  const type = Form.useWatch('type', form) ?? 'ClusterIP';
  const namespaces = useWatchList<Namespace>(props.cluster, kinds.namespaces);
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);

  const submit = async () => {
    let values: ServiceCreateForm;
    try {
      values = await form.validateFields();
    } catch {
      return; // the fields show their own errors
    }
    const svc = serviceFromForm(values);
    setBusy(true);
    setError(undefined);
    try {
      await clusterApi(props.cluster).create(
        resourcePath(kinds.services, { namespace: svc.metadata.namespace }),
        svc,
      );
      message.success(t.common.created('Service', svc.metadata.name));
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
      title={t.services.createTitle}
      onOk={() => void submit()}
      okText={t.common.create}
      okButtonProps={{ loading: busy }}
      onCancel={props.onClose}
      width={820}
      destroyOnHidden
    >
      {error ? <ErrorAlert error={error} /> : null}
      <Form form={form} layout="vertical" initialValues={emptyServiceForm(props.defaultNamespace)}>
        <Space wrap align="start">
          <Form.Item
            name="name"
            label={t.common.name}
            required
            rules={[
              {
                validator: async (_, v: string | undefined) => {
                  const err = dnsLabelError((v ?? '').trim());
                  if (err) throw new Error(err);
                },
              },
            ]}
          >
            <Input autoFocus style={{ width: 220 }} />
          </Form.Item>
          <Form.Item name="namespace" label={t.common.namespace}>
            <Select
              showSearch
              style={{ width: 200 }}
              options={namespaces.items.map((n) => ({ value: n.metadata.name, label: n.metadata.name }))}
            />
          </Form.Item>
          <Form.Item name="type" label={t.services.type}>
            <Radio.Group optionType="button" options={serviceTypes.map((v) => ({ value: v, label: v }))} />
          </Form.Item>
        </Space>
        <KeyValueList name={['selector']} label={t.services.selector} testId="service-selector" />
        <Form.Item label={t.services.ports} extra={t.services.targetPortHelp}>
          <Form.List name="ports">
            {(fields, { add, remove }) => (
              <Space direction="vertical" style={{ width: '100%' }}>
                {fields.map((f, i) => {
                  const n = i + 1;
                  return (
                    <Space key={f.key} wrap align="baseline">
                      <Form.Item name={[f.name, 'name']} noStyle>
                        <Input
                          placeholder={t.form.portName}
                          aria-label={`${t.form.portName} ${n}`}
                          style={{ width: 120 }}
                        />
                      </Form.Item>
                      <Form.Item name={[f.name, 'port']} noStyle>
                        <InputNumber
                          min={1}
                          max={65535}
                          placeholder={t.form.port}
                          aria-label={`${t.form.port} ${n}`}
                          style={{ width: 100 }}
                        />
                      </Form.Item>
                      <Form.Item name={[f.name, 'targetPort']} noStyle>
                        <Input
                          placeholder={t.services.targetPort}
                          aria-label={`${t.services.targetPort} ${n}`}
                          style={{ width: 120 }}
                        />
                      </Form.Item>
                      <Form.Item name={[f.name, 'protocol']} noStyle>
                        <Select
                          aria-label={`${t.form.protocol} ${n}`}
                          style={{ width: 90 }}
                          options={[
                            { value: 'TCP', label: 'TCP' },
                            { value: 'UDP', label: 'UDP' },
                          ]}
                        />
                      </Form.Item>
                      {type === 'ClusterIP' ? null : (
                        <Form.Item name={[f.name, 'nodePort']} noStyle>
                          <InputNumber
                            min={1}
                            max={65535}
                            placeholder={t.services.nodePort}
                            aria-label={`${t.services.nodePort} ${n}`}
                            style={{ width: 110 }}
                          />
                        </Form.Item>
                      )}
                      <Button
                        icon={<DeleteOutlined />}
                        aria-label={`${t.form.remove} ${t.form.port} ${n}`}
                        onClick={() => remove(f.name)}
                      />
                    </Space>
                  );
                })}
                <Button icon={<PlusOutlined />} onClick={() => add({ protocol: 'TCP' })}>
                  {t.services.addPort}
                </Button>
              </Space>
            )}
          </Form.List>
        </Form.Item>
      </Form>
    </Modal>
  );
}
