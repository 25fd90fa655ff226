/**
 * "Create by form" on the Ingresses page: name, namespace, class (from the IngressClasses), rules
 * (host → paths, each to a Service of the namespace and one of its ports) and TLS entries (hosts
 * and a Secret of type kubernetes.io/tls). The YAML to be sent is shown beside the form; when the
 * server refuses, each Status cause is put on the field it names and the message above the form.
 */
import { useMemo, useState } from 'react';
import { App, AutoComplete, Button, Card, Col, Form, Input, Modal, Row, Select, Space } from 'antd';
import { DeleteOutlined, PlusOutlined } from '@ant-design/icons';
import { stringify } from 'yaml';
import { clusterApi } from '../../api/client.ts';
import { kinds, resourcePath } from '../../api/kinds.ts';
import type { KubeObject, Namespace } from '../../api/types.ts';
import { useWatchList } from '../../api/use-watch-list.ts';
import type { Secret, Service } from '../../api/workload-types.ts';
import { causeFieldErrors } from '../../lib/form-causes.ts';
import {
  emptyIngressForm,
  ingressCauseField,
  ingressClassKind,
  ingressFromForm,
  pathTypes,
  tlsSecretNames,
  type IngressCreateForm,
} from '../../lib/ingress-form.ts';
import { t } from '../../texts.ts';
import { ErrorAlert } from '../ErrorAlert.tsx';

export interface IngressFormModalProps {
  cluster: string;
  defaultNamespace: string;
  onClose: () => void;
}

const required = [{ required: true, message: t.form.required }];

export function IngressFormModal(props: IngressFormModalProps) {
  const { message } = App.useApp();
  const [form] = Form.useForm<IngressCreateForm>();
  const initial = useMemo(() => emptyIngressForm(props.defaultNamespace), [props.defaultNamespace]);
  const values = (Form.useWatch((v: IngressCreateForm) => v, { form, preserve: true }) ??
    initial) as IngressCreateForm;
  const namespace = values.namespace ?? props.defaultNamespace;
  const namespaces = useWatchList<Namespace>(props.cluster, kinds.namespaces);
  const classes = useWatchList<KubeObject>(props.cluster, ingressClassKind);
  const services = useWatchList<Service>(props.cluster, kinds.services, { namespace });
  const secrets = useWatchList<Secret>(props.cluster, kinds.secrets, { namespace });
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);
  const yamlText = useMemo(
    () => stringify(ingressFromForm({ ...initial, ...values }), { lineWidth: 0 }),
    [initial, values],
  );

  const serviceOptions = services.items.map((s) => ({ value: s.metadata.name }));
  const portOptions = (service: string | undefined) =>
    (services.items.find((s) => s.metadata.name === service)?.spec?.ports ?? []).map((p) => ({
      value: p.port,
      label: p.name ? `${p.port} (${p.name})` : String(p.port),
    }));
  const secretOptions = tlsSecretNames(secrets.items).map((value) => ({ value }));

  const submit = async () => {
    let raw: IngressCreateForm;
    try {
      raw = await form.validateFields();
    } catch {
      return; // the fields show their own errors
    }
    const ing = ingressFromForm({ ...initial, ...raw });
    setBusy(true);
    setError(undefined);
    try {
      await clusterApi(props.cluster).create(
        resourcePath(kinds.ingresses, { namespace: ing.metadata.namespace }),
        ing,
      );
      message.success(t.common.created('Ingress', ing.metadata.name));
      props.onClose();
    } catch (err) {
      form.setFields(causeFieldErrors(err, ingressCauseField).fields as Parameters<typeof form.setFields>[0]);
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  return (
    <Modal
      open
      title={t.network.createIngress}
      onOk={() => void submit()}
      okText={t.common.create}
      okButtonProps={{ loading: busy }}
      onCancel={props.onClose}
      width={1150}
      destroyOnHidden
    >
      {error ? <ErrorAlert error={error} title={t.yaml.serverRefused} /> : null}
      <Row gutter={16}>
        <Col xs={24} lg={15}>
          <Form form={form} layout="vertical" initialValues={initial} data-testid="ingress-form">
            <Space wrap align="start">
              <Form.Item name="name" label={t.common.name} rules={required}>
                <Input aria-label={t.common.name} autoFocus style={{ width: 200 }} />
              </Form.Item>
              <Form.Item name="namespace" label={t.common.namespace}>
                <Select
                  aria-label={t.common.namespace}
                  showSearch
                  style={{ width: 180 }}
                  options={namespaces.items.map((n) => ({ value: n.metadata.name }))}
                />
              </Form.Item>
              <Form.Item name="className" label={t.ingresses.className}>
                <AutoComplete
                  aria-label={t.ingresses.className}
                  style={{ width: 180 }}
                  options={classes.items.map((c) => ({ value: c.metadata.name }))}
                />
              </Form.Item>
            </Space>
            <Form.List name="rules">
              {(rules, { add, remove }) => (
                <>
                  {rules.map((r) => {
                    const rule = `${t.network.rule} ${r.name + 1}`;
                    return (
                      <Card
                        key={r.key}
                        size="small"
                        title={rule}
                        style={{ marginBottom: 12 }}
                        extra={
                          <Button
                            size="small"
                            icon={<DeleteOutlined />}
                            aria-label={`${t.form.remove} ${rule}`}
                            onClick={() => remove(r.name)}
                          />
                        }
                      >
                        <Form.Item name={[r.name, 'host']} label={t.network.host} extra={t.network.hostHelp}>
                          <Input aria-label={`${rule} ${t.network.host}`} placeholder="shop.example.com" />
                        </Form.Item>
                        <Form.List name={[r.name, 'paths']}>
                          {(paths, ops) => (
                            <>
                              {paths.map((p) => {
                                const n = p.name + 1;
                                const label = (what: string) => `${rule} ${what} ${n}`;
                                const service = values.rules?.[r.name]?.paths?.[p.name]?.service;
                                return (
                                  <Space key={p.key} wrap align="start">
                                    <Form.Item name={[p.name, 'path']}>
                                      <Input
                                        aria-label={label(t.form.path)}
                                        placeholder="/"
                                        style={{ width: 120 }}
                                      />
                                    </Form.Item>
                                    <Form.Item name={[p.name, 'pathType']}>
                                      <Select
                                        aria-label={label(t.network.pathType)}
                                        style={{ width: 175 }}
                                        options={pathTypes.map((v) => ({ value: v }))}
                                      />
                                    </Form.Item>
                                    <Form.Item name={[p.name, 'service']} rules={required}>
                                      <Select
                                        aria-label={label(t.network.service)}
                                        placeholder={t.network.service}
                                        showSearch
                                        style={{ width: 160 }}
                                        options={serviceOptions}
                                        onChange={(name: string) =>
                                          form.setFieldValue(
                                            ['rules', r.name, 'paths', p.name, 'port'],
                                            portOptions(name)[0]?.value,
                                          )
                                        }
                                      />
                                    </Form.Item>
                                    <Form.Item name={[p.name, 'port']} rules={required}>
                                      <Select
                                        aria-label={label(t.form.port)}
                                        placeholder={t.form.port}
                                        style={{ width: 120 }}
                                        options={portOptions(service)}
                                      />
                                    </Form.Item>
                                    <Button
                                      icon={<DeleteOutlined />}
                                      aria-label={`${t.form.remove} ${label(t.form.path)}`}
                                      onClick={() => ops.remove(p.name)}
                                    />
                                  </Space>
                                );
                              })}
                              <Button
                                icon={<PlusOutlined />}
                                onClick={() => ops.add({ path: '/', pathType: 'Prefix' })}
                              >
                                {`${t.network.addPath} (${rule})`}
                              </Button>
                            </>
                          )}
                        </Form.List>
                      </Card>
                    );
                  })}
                  <Button
                    icon={<PlusOutlined />}
                    style={{ marginBottom: 12 }}
                    onClick={() => add({ host: '', paths: [{ path: '/', pathType: 'Prefix' }] })}
                  >
                    {t.network.addRule}
                  </Button>
                </>
              )}
            </Form.List>
            <Card size="small" title={t.network.tls} extra={t.network.tlsHelp}>
              <Form.List name="tls">
                {(entries, { add, remove }) => (
                  <>
                    {entries.map((e) => {
                      const label = (what: string) => `${t.network.tls} ${e.name + 1} ${what}`;
                      return (
                        <Space key={e.key} wrap align="start">
                          <Form.Item name={[e.name, 'hosts']}>
                            <Select
                              mode="tags"
                              aria-label={label(t.ingresses.hosts)}
                              placeholder={t.ingresses.hosts}
                              style={{ width: 280 }}
                              options={(values.rules ?? [])
                                .map((r) => r?.host ?? '')
                                .filter((h) => h !== '')
                                .map((value) => ({ value }))}
                            />
                          </Form.Item>
                          <Form.Item name={[e.name, 'secretName']} rules={required}>
                            <Select
                              aria-label={label(t.network.secret)}
                              placeholder={t.network.secret}
                              showSearch
                              style={{ width: 200 }}
                              options={secretOptions}
                              notFoundContent={t.network.noTlsSecrets}
                            />
                          </Form.Item>
                          <Button
                            icon={<DeleteOutlined />}
                            aria-label={`${t.form.remove} ${t.network.tls} ${e.name + 1}`}
                            onClick={() => remove(e.name)}
                          />
                        </Space>
                      );
                    })}
                    <Button icon={<PlusOutlined />} onClick={() => add({ hosts: [] })}>
                      {t.network.addTls}
                    </Button>
                  </>
                )}
              </Form.List>
            </Card>
          </Form>
        </Col>
        <Col xs={24} lg={9}>
          <Card size="small" title={t.form.preview}>
            <pre
              data-testid="form-yaml"
              style={{ margin: 0, fontSize: 12, maxHeight: '60vh', overflow: 'auto' }}
            >
              {yamlText}
            </pre>
          </Card>
        </Col>
      </Row>
    </Modal>
  );
}
