/**
 * A workload's revision history, live: ReplicaSets for a Deployment, ControllerRevisions for a
 * StatefulSet or DaemonSet, newest first, the current one marked; any other can be rolled back to
 * (with a confirmation; a refusal shows the server's message).
 */
import { App, Button, Popconfirm, Table, Tag } from 'antd';
import { RollbackOutlined } from '@ant-design/icons';
import { clusterApi } from '../../api/client.ts';
import { kinds, resourcePath, type ResourceKind } from '../../api/kinds.ts';
import { errorMessage } from '../../api/status.ts';
import type { KubeObject } from '../../api/types.ts';
import { useWatchList } from '../../api/use-watch-list.ts';
import type { ControllerRevision, PodTemplate, ReplicaSet } from '../../api/workload-types.ts';
import { age } from '../../lib/format.ts';
import {
  controllerRevisionRows,
  deploymentRevisions,
  rollbackRequest,
  type RevisionRow,
} from '../../lib/revisions.ts';
import { t } from '../../texts.ts';
import { ErrorAlert } from '../ErrorAlert.tsx';

type Workload = KubeObject & { spec?: { paused?: boolean; template?: PodTemplate } };

export function RevisionHistory(props: {
  cluster: string;
  kind: ResourceKind;
  workload: Workload;
  selector: string | undefined;
  now: number;
}) {
  const { message } = App.useApp();
  const isDeployment = props.kind.kind === 'Deployment';
  const namespace = props.workload.metadata.namespace;
  const source = useWatchList<ReplicaSet | ControllerRevision>(
    props.cluster,
    isDeployment ? kinds.replicasets : kinds.controllerrevisions,
    { namespace, labelSelector: props.selector },
  );
  const rows: RevisionRow[] = isDeployment
    ? deploymentRevisions(props.workload, source.items as ReplicaSet[])
    : controllerRevisionRows(props.workload, source.items as ControllerRevision[]);

  const rollback = async (row: RevisionRow) => {
    const from = source.items.find((o) => o.metadata.name === row.name);
    if (!from) return;
    const r = rollbackRequest(props.workload, from);
    if (!r.ok) {
      message.warning(r.reason);
      return;
    }
    try {
      await clusterApi(props.cluster).patch(
        resourcePath(props.kind, { namespace, name: props.workload.metadata.name }),
        r.request.body,
        r.request.contentType,
      );
      message.success(t.detail.rolledBack(row.revision));
    } catch (err) {
      message.error(errorMessage(err));
    }
  };

  return (
    <>
      {source.error ? <ErrorAlert error={source.error} type={rows.length > 0 ? 'warning' : 'error'} /> : null}
      <Table<RevisionRow>
        data-testid="detail-revisions"
        size="small"
        rowKey="name"
        dataSource={rows}
        loading={source.loading}
        pagination={false}
        scroll={{ x: 760 }}
        columns={[
          {
            title: t.detail.revision,
            key: 'revision',
            width: 110,
            render: (_, r) => (
              <span data-testid={`revision-${r.revision}`}>
                {r.revision} {r.current ? <Tag color="success">{t.detail.current}</Tag> : null}
              </span>
            ),
          },
          { title: t.detail.object, key: 'name', render: (_, r) => r.name },
          {
            title: t.workloads.images,
            key: 'images',
            render: (_, r) => r.images.map((i) => <Tag key={i}>{i}</Tag>),
          },
          ...(isDeployment
            ? [
                {
                  title: t.pods.title,
                  key: 'replicas',
                  width: 70,
                  render: (_: unknown, r: RevisionRow) => r.replicas ?? 0,
                },
              ]
            : []),
          { title: t.common.age, key: 'age', width: 70, render: (_, r) => age(r.created, props.now) },
          {
            title: t.common.actions,
            key: 'actions',
            width: 120,
            render: (_, r) =>
              r.current ? null : (
                <Popconfirm
                  title={t.detail.rollbackConfirm(r.revision)}
                  onConfirm={() => rollback(r)}
                  okText={t.detail.rollback}
                >
                  <Button
                    size="small"
                    icon={<RollbackOutlined />}
                    aria-label={`${t.detail.rollback} ${r.revision}`}
                  >
                    {t.detail.rollback}
                  </Button>
                </Popconfirm>
              ),
          },
        ]}
      />
    </>
  );
}
