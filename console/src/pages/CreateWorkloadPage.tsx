/**
 * Create a Deployment, StatefulSet or DaemonSet by form (as TKE does), optionally with a Service for
 * its container ports. The YAML that will be sent is shown live beside the form; when the server
 * refuses, each Status cause is put on the form field it names (lib/workload-form.ts maps the
 * paths) and the rest is shown above the form.
 */
import { useMemo, useState } from 'react';
import { useNavigate, useParams } from 'react-router';
import {
  App,
  Button,
  Card,
  Checkbox,
  Col,
  Form,
  Input,
  InputNumber,
  Row,
  Select,
  Space,
  Typography,
} from 'antd';
import { PlusOutlined } from '@ant-design/icons';
import { stringify } from 'yaml';
import { clusterApi } from '../api/client.ts';
import { kinds, resourcePath } from '../api/kinds.ts';
import type { KubeObject, Namespace } from '../api/types.ts';
import { ApiError } from '../api/status.ts';
import { useWatchList } from '../api/use-watch-list.ts';
import { ErrorAlert } from '../components/ErrorAlert.tsx';
import { useNamespaceParam } from '../components/NamespaceSelect.tsx';
import { ContainerFields } from '../components/workload-form/ContainerFields.tsx';
import { KeyValueList } from '../components/workload-form/KeyValueList.tsx';
import { dnsLabelError } from '../lib/forms.ts';
import { detailLink } from '../lib/links.ts';
import {
  causeFormPath,
  emptyWorkloadForm,
  formManifests,
  serviceManifest,
  strategiesOf,
  workloadManifest,
  type FormKind,
  type WorkloadForm,
} from '../lib/workload-form.ts';
import { t } from '../texts.ts';

const resourceOfKind: Record<FormKind, 'deployments' | 'statefulsets' | 'daemonsets'> = {
  Deployment: 'deployments',
  StatefulSet: 'statefulsets',
  DaemonSet: 'daemonsets',
};

function kindOfResource(resource: string | undefined): FormKind {
  const found = Object.entries(resourceOfKind).find(([, r]) => r === resource);
  return (found?.[0] as FormKind | undefined) ?? 'Deployment';
}

const nameRule = {
  validator: (_: unknown, v: string | undefined) => {
    const err = dnsLabelError((v ?? '').trim());
    return err ? Promise.reject(new Error(err)) : Promise.resolve();
  },
};

export default function CreateWorkloadPage() {
  const { cluster = 'local', resource } = useParams();
  const navigate = useNavigate();
  const { message } = App.useApp();
  const [namespace] = useNamespaceParam();
  const [form] = Form.useForm<WorkloadForm>();
  const initial = useMemo(
    () => emptyWorkloadForm(kindOfResource(resource), namespace ?? 'default'),
    [resource, namespace],
  );
  const values = (Form.useWatch((v: WorkloadForm) => v, { form, preserve: true }) ?? initial) as WorkloadForm;
  const namespaces = useWatchList<Namespace>(cluster, kinds.namespaces);
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);
  const kind = values.kind ?? initial.kind;
  const yamlText = useMemo(
    () =>
      formManifests({ ...initial, ...values })
        .map((o) => stringify(o, { lineWidth: 0 }))
        .join('---\n'),
    [initial, values],
  );
  const volumeNames = (values.volumes ?? []).map((v) => v?.name ?? '').filter((n) => n !== '');

  /** Puts the causes the form can show on their fields; returns true when every cause found one. */
  const markFields = (err: unknown, target: 'workload' | 'service'): boolean => {
    if (!(err instanceof ApiError) || err.causes.length === 0) return false;
    const byField = new Map<string, { name: (string | number)[]; errors: string[] }>();
    let all = true;
    for (const c of err.causes) {
      const name = causeFormPath(c.field, target);
      if (!name) {
        all = false;
        continue;
      }
      const key = JSON.stringify(name);
      const entry = byField.get(key) ?? { name, errors: [] };
      entry.errors.push(c.message ?? err.message);
      byField.set(key, entry);
    }
    form.setFields([...byField.values()] as Parameters<typeof form.setFields>[0]);
    return all;
  };

  const submit = async (raw: WorkloadForm) => {
    const v = { ...initial, ...raw };
    const api = clusterApi(cluster);
    const ns = (v.namespace ?? 'default').trim();
    setBusy(true);
    setError(undefined);
    try {
      const workload = workloadManifest(v);
      try {
        await api.create<KubeObject>(
          resourcePath(kinds[resourceOfKind[v.kind]], { namespace: ns }),
          workload,
        );
      } catch (err) {
        markFields(err, 'workload');
        setError(err);
        return;
      }
      message.success(t.common.created(v.kind, workload.metadata.name));
      const svc = serviceManifest(v);
      if (svc) {
        try {
          await api.create<KubeObject>(resourcePath(kinds.services, { namespace: ns }), svc);
          message.success(t.common.created('Service', svc.metadata.name));
        } catch (err) {
          markFields(err, 'service');
          setError(
            new ApiError(
              err instanceof ApiError ? err.code : 500,
              err instanceof ApiError ? err.reason : 'Error',
              `${t.form.serviceFailed(workload.metadata.name)}: ${err instanceof Error ? err.message : String(err)}`,
              err instanceof ApiError ? err.causes : [],
            ),
          );
          return;
        }
      }
      navigate(detailLink(cluster, resourceOfKind[v.kind], ns, workload.metadata.name));
    } finally {
      setBusy(false);
    }
  };

  return (
    <Space direction="vertical" size={12} style={{ width: '100%' }}>
      <Typography.Title level={3} style={{ margin: 0 }}>
        {t.form.title(kind)}
      </Typography.Title>
      {error ? <ErrorAlert error={error} title={t.yaml.serverRefused} /> : null}
      <Row gutter={16}>
        <Col xs={24} xl={14}>
          <Form<WorkloadForm>
            form={form}
            layout="vertical"
            initialValues={initial}
            onFinish={(v) => void submit(v)}
            data-testid="workload-form"
            scrollToFirstError
          >
            <Card size="small" title={t.form.basics} style={{ marginBottom: 12 }}>
              <Row gutter={12}>
                <Col xs={24} md={8}>
                  <Form.Item label={t.form.kind} name="kind">
                    <Select
                      aria-label={t.form.kind}
                      data-testid="form-kind"
                      options={Object.keys(resourceOfKind).map((k) => ({ value: k }))}
                      onChange={(k: FormKind) => {
                        if (!strategiesOf(k).includes(form.getFieldValue('strategy')))
                          form.setFieldValue('strategy', 'RollingUpdate');
                      }}
                    />
                  </Form.Item>
                </Col>
                <Col xs={24} md={8}>
                  <Form.Item label={t.common.name} name="name" rules={[nameRule]}>
                    <Input aria-label={t.common.name} />
                  </Form.Item>
                </Col>
                <Col xs={24} md={8}>
                  <Form.Item
                    label={t.common.namespace}
                    name="namespace"
                    rules={[{ required: true, message: t.form.required }]}
                  >
                    <Select
                      aria-label={t.common.namespace}
                      showSearch
                      options={namespaces.items.map((n) => ({ value: n.metadata.name }))}
                    />
                  </Form.Item>
                </Col>
                {kind !== 'DaemonSet' ? (
                  <Col xs={24} md={8}>
                    <Form.Item label={t.workloads.replicas} name="replicas">
                      <InputNumber aria-label={t.workloads.replicas} min={0} max={10000} />
                    </Form.Item>
                  </Col>
                ) : null}
              </Row>
              <KeyValueList name={['labels']} label={t.form.labels} testId="form-labels" />
              <Typography.Text type="secondary">{t.form.labelsHelp}</Typography.Text>
            </Card>
            <Typography.Title level={5}>{t.form.containers}</Typography.Title>
            <Form.List name="containers">
              {(fields, { add, remove }) => (
                <>
                  {fields.map((f) => (
                    <ContainerFields
                      key={f.key}
                      index={f.name}
                      volumeNames={volumeNames}
                      onRemove={fields.length > 1 ? () => remove(f.name) : undefined}
                    />
                  ))}
                  <Button
                    icon={<PlusOutlined />}
                    onClick={() => add({ env: [], ports: [], mounts: [] })}
                    style={{ marginBottom: 12 }}
                  >
                    {t.form.addContainer}
                  </Button>
                </>
              )}
            </Form.List>
            <VolumeList />
            <Card size="small" title={t.form.scheduling} style={{ marginBottom: 12 }}>
              <KeyValueList name={['nodeSelector']} label={t.form.nodeSelector} testId="form-node-selector" />
              <Space wrap>
                <Form.Item label={t.form.strategy} name="strategy">
                  <Select
                    aria-label={t.form.strategy}
                    style={{ width: 160 }}
                    options={strategiesOf(kind).map((s) => ({ value: s }))}
                  />
                </Form.Item>
                {values.strategy !== 'Recreate' && values.strategy !== 'OnDelete' && kind === 'Deployment' ? (
                  <Form.Item label={t.form.maxSurge} name="maxSurge">
                    <Input placeholder="25%" style={{ width: 100 }} />
                  </Form.Item>
                ) : null}
                {values.strategy !== 'Recreate' &&
                values.strategy !== 'OnDelete' &&
                kind !== 'StatefulSet' ? (
                  <Form.Item label={t.form.maxUnavailable} name="maxUnavailable">
                    <Input placeholder="25%" style={{ width: 100 }} />
                  </Form.Item>
                ) : null}
              </Space>
            </Card>
            <Card size="small" title={t.form.service} style={{ marginBottom: 12 }}>
              <Form.Item name={['service', 'enabled']} valuePropName="checked">
                <Checkbox>{t.form.createService}</Checkbox>
              </Form.Item>
              {values.service?.enabled ? (
                <Space wrap>
                  <Form.Item label={t.form.serviceType} name={['service', 'type']}>
                    <Select
                      aria-label={t.form.serviceType}
                      style={{ width: 160 }}
                      options={[{ value: 'ClusterIP' }, { value: 'NodePort' }, { value: 'LoadBalancer' }]}
                    />
                  </Form.Item>
                  <Form.Item
                    label={t.form.serviceName}
                    name={['service', 'name']}
                    tooltip={t.form.serviceNameHelp}
                  >
                    <Input aria-label={t.form.serviceName} placeholder={values.name} />
                  </Form.Item>
                </Space>
              ) : null}
            </Card>
            <Space>
              <Button type="primary" htmlType="submit" loading={busy}>
                {t.form.submit}
              </Button>
              <Button onClick={() => navigate(-1)}>{t.common.cancel}</Button>
            </Space>
          </Form>
        </Col>
        <Col xs={24} xl={10}>
          <Card size="small" title={t.form.preview} style={{ position: 'sticky', top: 16 }}>
            <pre
              data-testid="form-yaml"
              style={{ margin: 0, fontSize: 12, maxHeight: '80vh', overflow: 'auto' }}
            >
              {yamlText}
            </pre>
          </Card>
        </Col>
      </Row>
    </Space>
  );
}

function VolumeList() {
  const types = Form.useWatch(['volumes']) as { type?: string }[] | undefined;
  return (
    <Card size="small" title={t.form.volumes} style={{ marginBottom: 12 }} data-testid="form-volumes">
      <Form.List name="volumes">
        {(fields, { add, remove }) => (
          <>
            {fields.map((f) => (
              <Space key={f.key} wrap align="start">
                <Form.Item name={[f.name, 'name']} rules={[{ required: true, message: t.form.required }]}>
                  <Input
                    aria-label={`${t.form.volume} ${f.name + 1} ${t.common.name}`}
                    placeholder={t.common.name}
                  />
                </Form.Item>
                <Form.Item name={[f.name, 'type']}>
                  <Select
                    aria-label={`${t.form.volume} ${f.name + 1} ${t.form.volumeType}`}
                    style={{ width: 200 }}
                    options={[
                      { value: 'emptyDir' },
                      { value: 'configMap', label: 'ConfigMap' },
                      { value: 'secret', label: 'Secret' },
                      { value: 'persistentVolumeClaim', label: 'PersistentVolumeClaim' },
                    ]}
                  />
                </Form.Item>
                {types?.[f.name]?.type && types[f.name].type !== 'emptyDir' ? (
                  <Form.Item name={[f.name, 'source']} rules={[{ required: true, message: t.form.required }]}>
                    <Input
                      aria-label={`${t.form.volume} ${f.name + 1} ${t.form.volumeSource}`}
                      placeholder={t.form.volumeSource}
                    />
                  </Form.Item>
                ) : (
                  <Form.Item name={[f.name, 'sizeLimit']}>
                    <Input placeholder={t.form.sizeLimit} style={{ width: 120 }} />
                  </Form.Item>
                )}
                <Button
                  aria-label={`${t.form.remove} ${t.form.volume} ${f.name + 1}`}
                  onClick={() => remove(f.name)}
                >
                  {t.form.remove}
                </Button>
              </Space>
            ))}
            <Button icon={<PlusOutlined />} onClick={() => add({ type: 'emptyDir' })}>
              {`${t.form.add} (${t.form.volumes})`}
            </Button>
          </>
        )}
      </Form.List>
    </Card>
  );
}
