/**
 * One workload (Deployment, StatefulSet, DaemonSet, Job or CronJob), live: state and counts, its
 * pods (a CronJob: its Jobs), conditions, events, revision history and YAML; actions as the kind
 * allows: edit by form, scale, update image, rollout restart, roll back (in the history), suspend/resume and run
 * now for a CronJob, delete with cascade choice.
 */
import { Suspense, useState, type ReactNode } from 'react';
import { lazyRetry } from '../lib/lazy-retry.ts';
import { Link, useNavigate, useParams } from 'react-router';
import { App, Button, Card, Descriptions, Popconfirm, Space, Tabs, Tag } from 'antd';
import {
  ColumnHeightOutlined,
  EditOutlined,
  FileTextOutlined,
  PictureOutlined,
  ReloadOutlined,
} from '@ant-design/icons';
import { clusterApi } from '../api/client.ts';
import { kinds, resourcePath } from '../api/kinds.ts';
import { errorMessage } from '../api/status.ts';
import type { Condition, KubeObject } from '../api/types.ts';
import { useWatchList } from '../api/use-watch-list.ts';
import type { CronJob, LabelSelector, PodTemplate } from '../api/workload-types.ts';
import { SuspendButton, TriggerButton, TriggerJobModal } from '../components/CronJobActions.tsx';
import { DeleteWorkloadButton } from '../components/DeleteWorkloadButton.tsx';
import { ErrorAlert } from '../components/ErrorAlert.tsx';
import { DetailHeader, DetailMissing } from '../components/detail/DetailHeader.tsx';
import { StatusTag } from '../components/StatusTag.tsx';
import { Spinner } from '../components/Spinner.tsx';
import { age, images } from '../lib/format.ts';
import { useNow } from '../lib/hooks.ts';
import { editLink, yamlLink } from '../lib/links.ts';
import { restartPatch } from '../lib/rollout.ts';
import { selectorString } from '../lib/selectors.ts';
import { workloadStatus, type WorkloadResource } from '../lib/workloads.ts';
import { LazyYamlView } from '../components/detail/LazyYamlView.tsx';
import { LabelTags } from '../components/detail/LabelTags.tsx';
import { t } from '../texts.ts';

// The revisions tab loads its code when opened: it keeps a deep link to a detail page within the
// first-load JS budget.
const RevisionHistory = lazyRetry(() =>
  import('../components/detail/RevisionHistory.tsx').then((m) => ({ default: m.RevisionHistory })),
);
// The tabs' tables load with the tab (antd's Table is ~50 KiB gzipped of the page's first load).
const WorkloadPods = lazyRetry(() =>
  import('../components/detail/WorkloadPods.tsx').then((m) => ({ default: m.WorkloadPods })),
);
const ConditionsTable = lazyRetry(() =>
  import('../components/detail/ConditionsTable.tsx').then((m) => ({ default: m.ConditionsTable })),
);
const EventsTable = lazyRetry(() =>
  import('../components/detail/EventsTable.tsx').then((m) => ({ default: m.EventsTable })),
);
const OwnedJobs = lazyRetry(() =>
  import('../components/detail/OwnedJobs.tsx').then((m) => ({ default: m.OwnedJobs })),
);
/** A tab's content, with a spinner while its code loads. */
const tab = (content: ReactNode) => <Suspense fallback={<Spinner />}>{content}</Suspense>;
// The dialogs load when opened: their form controls are not part of the page's first load.
const ScaleModal = lazyRetry(() =>
  import('../components/ScaleModal.tsx').then((m) => ({ default: m.ScaleModal })),
);
const UpdateImageModal = lazyRetry(() =>
  import('../components/detail/UpdateImageModal.tsx').then((m) => ({ default: m.UpdateImageModal })),
);

type Workload = KubeObject & {
  spec?: { replicas?: number; paused?: boolean; selector?: LabelSelector; template?: PodTemplate };
  status?: { conditions?: Condition[] };
};

const hasTemplate = (r: WorkloadResource) =>
  r === 'deployments' || r === 'statefulsets' || r === 'daemonsets';
const scalable = (r: WorkloadResource) => r === 'deployments' || r === 'statefulsets';

export default function WorkloadDetailPage({ resource }: { resource: WorkloadResource }) {
  const { cluster = 'local', namespace = 'default', name = '' } = useParams();
  const navigate = useNavigate();
  const { message } = App.useApp();
  const now = useNow();
  const kind = kinds[resource];
  const live = useWatchList<Workload>(cluster, kind, { namespace, fieldSelector: `metadata.name=${name}` });
  const obj = live.items[0];
  const [dialog, setDialog] = useState<'scale' | 'image' | 'trigger'>();
  const listUrl = `/c/${encodeURIComponent(cluster)}/${resource}?namespace=${encodeURIComponent(namespace)}`;

  const header = (
    <DetailHeader
      title={t.yaml.title(kind.kind, `${namespace}/${name}`)}
      backTo={listUrl}
      status={
        obj ? (
          <span data-testid="detail-status">
            <StatusTag status={workloadStatus(resource, obj, now).state} />
          </span>
        ) : null
      }
    />
  );

  if (!obj) {
    return <DetailMissing header={header} loading={live.loading} error={live.error} />;
  }

  const restart = async () => {
    try {
      await clusterApi(cluster).mergePatch(
        resourcePath(kind, { namespace, name }),
        restartPatch(new Date().toISOString()),
      );
      message.success(t.detail.restarted(name));
    } catch (err) {
      message.error(errorMessage(err));
    }
  };

  const status = workloadStatus(resource, obj, now);
  const selector = selectorString(obj.spec?.selector);
  const uid = obj.metadata.uid ?? '';
  const cron = resource === 'cronjobs' ? (obj as CronJob) : undefined;
  const templateImages = cron
    ? (cron.spec?.jobTemplate?.spec?.template?.spec?.containers ?? []).map((c) => c.image ?? '')
    : images(obj);

  const tabs = [
    cron
      ? {
          key: 'jobs',
          label: t.cronJobs.jobs,
          children: tab(<OwnedJobs cluster={cluster} namespace={namespace} uid={uid} now={now} />),
        }
      : {
          key: 'pods',
          label: t.detail.pods,
          children:
            selector === undefined
              ? null
              : tab(<WorkloadPods cluster={cluster} namespace={namespace} selector={selector} now={now} />),
        },
    ...(cron
      ? []
      : [
          {
            key: 'conditions',
            label: t.detail.conditions,
            children: tab(<ConditionsTable conditions={obj.status?.conditions ?? []} now={now} />),
          },
        ]),
    {
      key: 'events',
      label: t.detail.events,
      children: uid ? tab(<EventsTable cluster={cluster} namespace={namespace} uid={uid} now={now} />) : null,
    },
    ...(hasTemplate(resource)
      ? [
          {
            key: 'revisions',
            label: t.detail.revisions,
            children: (
              <Suspense fallback={null}>
                <RevisionHistory cluster={cluster} kind={kind} workload={obj} selector={selector} now={now} />
              </Suspense>
            ),
          },
        ]
      : []),
    {
      key: 'yaml',
      label: t.detail.yaml,
      children: <LazyYamlView object={obj} />,
    },
  ];

  return (
    <Space direction="vertical" size={12} style={{ width: '100%' }}>
      {header}
      {live.error ? <ErrorAlert error={live.error} type="warning" title={t.common.liveError} /> : null}
      <Space wrap>
        {scalable(resource) ? (
          <Button icon={<ColumnHeightOutlined />} onClick={() => setDialog('scale')}>
            {t.workloads.scale}
          </Button>
        ) : null}
        {hasTemplate(resource) ? (
          <>
            <Link to={editLink(cluster, resource, namespace, name)}>
              <Button icon={<EditOutlined />}>{t.form.edit}</Button>
            </Link>
            <Button icon={<PictureOutlined />} onClick={() => setDialog('image')}>
              {t.detail.updateImage}
            </Button>
            <Popconfirm title={t.detail.restartConfirm} onConfirm={() => restart()} okText={t.detail.restart}>
              <Button icon={<ReloadOutlined />}>{t.detail.restart}</Button>
            </Popconfirm>
          </>
        ) : null}
        {cron ? (
          <>
            <SuspendButton cluster={cluster} cronJob={cron} />
            <TriggerButton name={name} onClick={() => setDialog('trigger')} />
          </>
        ) : null}
        <Link to={yamlLink(cluster, resource, namespace, name)}>
          <Button icon={<FileTextOutlined />}>{t.common.yaml}</Button>
        </Link>
        <DeleteWorkloadButton
          cluster={cluster}
          kind={kind}
          object={obj}
          withText
          onDeleted={() => navigate(listUrl)}
        />
      </Space>
      <Card size="small">
        <Descriptions size="small" column={{ xs: 1, md: 2, xl: 3 }}>
          <Descriptions.Item label={t.common.namespace}>{namespace}</Descriptions.Item>
          <Descriptions.Item label={t.detail.created}>
            {age(obj.metadata.creationTimestamp, now)}
          </Descriptions.Item>
          <Descriptions.Item
            label={cron ? t.cronJobs.schedule : resource === 'jobs' ? t.jobs.completions : t.workloads.ready}
          >
            <span data-testid="detail-counts">{status.counts}</span>
          </Descriptions.Item>
          <Descriptions.Item label={t.workloads.images}>
            <span data-testid="detail-images">
              {templateImages.map((i) => (
                <Tag key={i}>{i}</Tag>
              ))}
            </span>
          </Descriptions.Item>
          {selector !== undefined ? (
            <Descriptions.Item label={t.detail.selector}>{selector || '-'}</Descriptions.Item>
          ) : null}
          <Descriptions.Item label={t.detail.labels}>
            <LabelTags labels={obj.metadata.labels} />
          </Descriptions.Item>
        </Descriptions>
      </Card>
      <Card size="small">
        <Tabs items={tabs} destroyOnHidden />
      </Card>
      <Suspense fallback={null}>
        {dialog === 'scale' ? (
          <ScaleModal cluster={cluster} kind={kind} object={obj} onClose={() => setDialog(undefined)} />
        ) : null}
        {dialog === 'image' ? (
          <UpdateImageModal
            cluster={cluster}
            kind={kind}
            workload={obj}
            onClose={() => setDialog(undefined)}
          />
        ) : null}
      </Suspense>
      {dialog === 'trigger' && cron ? (
        <TriggerJobModal cluster={cluster} cronJob={cron} onClose={() => setDialog(undefined)} />
      ) : null}
    </Space>
  );
}
