/**
 * Create a Deployment, StatefulSet or DaemonSet by form (as TKE does), optionally with a Service for
 * its container ports; or edit one (route edit/RESOURCE/NAMESPACE/NAME): the same form filled from
 * the object, kind, name and namespace read-only, sent as a PUT of the object as it was read
 * (lib/workload-edit.ts), so a change made meanwhile is refused with 409 and can be reloaded. The
 * YAML that will be sent is shown live beside the form; when the server refuses, each Status cause
 * is put on the form field it names (lib/workload-form.ts maps the paths) and the rest is shown
 * above the form.
 */
import { useEffect, useMemo, useState } from 'react';
import { useNavigate, useParams } from 'react-router';
import { useQuery } from '@tanstack/react-query';
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
  Spin,
  Typography,
} from 'antd';
import { PlusOutlined } from '@ant-design/icons';
import { stringify } from 'yaml';
import { clusterApi, requestJson } from '../api/client.ts';
import { clusterUrl, kinds, resourcePath } from '../api/kinds.ts';
import type { KubeObject, Namespace } from '../api/types.ts';
import { ApiError } from '../api/status.ts';
import { useWatchList } from '../api/use-watch-list.ts';
import { ErrorAlert } from '../components/ErrorAlert.tsx';
import { useNamespaceParam } from '../components/NamespaceSelect.tsx';
import { SaveErrorAlert } from '../components/SaveErrorAlert.tsx';
import { ContainerFields } from '../components/workload-form/ContainerFields.tsx';
import { KeyValueList } from '../components/workload-form/KeyValueList.tsx';
import { VolumeList } from '../components/workload-form/VolumeList.tsx';
import { causeFieldErrors } from '../lib/form-causes.ts';
import { dnsLabelError } from '../lib/forms.ts';
import { detailLink } from '../lib/links.ts';
import { formFromWorkload, sameDesiredState, sameFormState, updatedWorkload } from '../lib/workload-edit.ts';
import { toYaml } from '../lib/yaml.ts';
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
  const { cluster = 'local', resource, namespace, name } = useParams();
  if (namespace === undefined || name === undefined)
    return <WorkloadFormPage cluster={cluster} resource={resource} />;
  return <EditWorkload cluster={cluster} resource={resource} namespace={namespace} name={name} />;
}

/** Edit mode: reads the object fresh (never from a cache), then shows the form filled from it. */
function EditWorkload(props: { cluster: string; resource?: string; namespace: string; name: string }) {
  const kind = kinds[resourceOfKind[kindOfResource(props.resource)]];
  const path = resourcePath(kind, { namespace: props.namespace, name: props.name });
  const query = useQuery({
    queryKey: ['workload-edit', props.cluster, path],
    queryFn: ({ signal }) => clusterApi(props.cluster).get<KubeObject>(path, signal),
    gcTime: 0,
    refetchOnMount: 'always',
  });
  if (query.isError) return <ErrorAlert error={query.error} />;
  if (!query.data) return <Spin style={{ display: 'block', margin: 48 }} />;
  return (
    <WorkloadFormPage key={path} cluster={props.cluster} resource={props.resource} original={query.data} />
  );
}

function WorkloadFormPage(props: { cluster: string; resource?: string; original?: KubeObject }) {
  const { cluster, resource } = props;
  const navigate = useNavigate();
  const { message } = App.useApp();
  const [namespace] = useNamespaceParam();
  const [form] = Form.useForm<WorkloadForm>();
  // Edit mode: the object the PUT is based on; "load the latest version" replaces it.
  const [original, setOriginal] = useState(props.original);
  const editing = original !== undefined;
  const initial = useMemo(
    () =>
      original
        ? formFromWorkload(original)
        : emptyWorkloadForm(kindOfResource(resource), namespace ?? 'default'),
    [original, resource, namespace],
  );
  const values = (Form.useWatch((v: WorkloadForm) => v, { form, preserve: true }) ?? initial) as WorkloadForm;
  const namespaces = useWatchList<Namespace>(cluster, kinds.namespaces);
  const [error, setError] = useState<unknown>();
  // The form keeps its values across new initial values: reset it to a reloaded object. The error
  // (a 409 offering "load the latest version") goes in the same render, so the alert never
  // disappears before the fields show the reloaded values.
  useEffect(() => {
    form.resetFields();
    setError(undefined);
  }, [form, initial]);
  const [busy, setBusy] = useState(false);
  const kind = values.kind ?? initial.kind;
  const yamlText = useMemo(
    () =>
      original
        ? toYaml(updatedWorkload(original, { ...initial, ...values }))
        : formManifests({ ...initial, ...values })
            .map((o) => stringify(o, { lineWidth: 0 }))
            .join('---\n'),
    [original, initial, values],
  );
  const volumeNames = (values.volumes ?? []).map((v) => v?.name ?? '').filter((n) => n !== '');

  /** Puts the causes the form can show on their fields; returns true when every cause found one. */
  const markFields = (err: unknown, target: 'workload' | 'service'): boolean => {
    const { fields, all } = causeFieldErrors(err, (field) => causeFormPath(field, target));
    form.setFields(fields as Parameters<typeof form.setFields>[0]);
    return all;
  };

  /**
   * Edit mode: PUT the original with the form's changes. When the server refused with 409 or the
   * answer was lost (the network dropped it), the latest object decides: already showing the
   * edit — done; only its status moved on — send the changes again on top of it; anything else —
   * someone changed it meanwhile: the refusal is shown.
   */
  const update = async (base: KubeObject, v: WorkloadForm) => {
    const { namespace: ns, name } = base.metadata;
    const path = resourcePath(kinds[resourceOfKind[v.kind]], { namespace: ns, name });
    const wanted = updatedWorkload(base, v);
    let on = base;
    for (let attempt = 1; ; attempt++) {
      try {
        await requestJson(clusterUrl(cluster, path), { method: 'PUT', body: updatedWorkload(on, v) });
        break;
      } catch (err) {
        try {
          const lost = err instanceof TypeError;
          if ((!lost && !(err instanceof ApiError && err.code === 409)) || attempt >= 4) throw err;
          const latest = await clusterApi(cluster).get<KubeObject>(path);
          if (sameFormState(latest, wanted)) break;
          if (!sameDesiredState(base, latest)) throw err;
          on = latest;
        } catch (shown) {
          markFields(shown, 'workload');
          setError(shown);
          return;
        }
      }
    }
    message.success(t.dataEditor.saved(v.kind, name));
    navigate(detailLink(cluster, resourceOfKind[v.kind], ns, name));
  };

  const reload = async () => {
    if (!original) return;
    const { namespace: ns, name } = original.metadata;
    try {
      const path = resourcePath(kinds[resourceOfKind[initial.kind]], { namespace: ns, name });
      setOriginal(await clusterApi(cluster).get<KubeObject>(path));
    } catch (err) {
      setError(err);
    }
  };

  const submit = async (raw: WorkloadForm) => {
    const v = { ...initial, ...raw };
    const api = clusterApi(cluster);
    const ns = (v.namespace ?? 'default').trim();
    setBusy(true);
    setError(undefined);
    try {
      if (original) {
        await update(original, v);
        return;
      }
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
        {original ? t.form.editTitle(kind, original.metadata.name) : t.form.title(kind)}
      </Typography.Title>
      {error ? (
        <SaveErrorAlert
          error={error}
          title={t.yaml.serverRefused}
          onReload={editing ? () => void reload() : undefined}
        />
      ) : null}
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
                      disabled={editing}
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
                    <Input aria-label={t.common.name} readOnly={editing} disabled={editing} />
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
                      disabled={editing}
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
            {editing ? null : (
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
            )}
            <Space>
              <Button type="primary" htmlType="submit" loading={busy}>
                {editing ? t.dataEditor.save : t.form.submit}
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
