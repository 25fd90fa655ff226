/**
 * The image repository `berth up` runs: its namespaces, the repositories of the one picked, the
 * tags of the repository picked (digest, size, push time), how to push here, and deletes of a tag,
 * a manifest and a repository. The picks live in the URL (?namespace=&repository=) so a link
 * reopens the same view. The registry has no watch; its lists are asked again every few seconds.
 */
import { useState } from 'react';
import { useSearchParams } from 'react-router';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { Alert, App, Button, Card, Popconfirm, Space, Table, Tag, Tooltip, Typography } from 'antd';
import type { TableColumnsType } from 'antd';
import { DeleteOutlined } from '@ant-design/icons';
import { requestJson } from '../api/client.ts';
import { errorMessage } from '../api/status.ts';
import { ErrorAlert } from '../components/ErrorAlert.tsx';
import {
  formatBytes,
  pushCommands,
  registryUrls,
  shortDigest,
  type ImageTag,
  type RegistryInfo,
  type RegistryNamespace,
  type Repository,
} from '../lib/registry.ts';
import { t } from '../texts.ts';

const refetchInterval = 5000;
const items =
  <T,>(url: string) =>
  async () =>
    (await requestJson<{ items: T[] }>(url)).items;

function DeleteButton(props: {
  label: string;
  confirm: string;
  testId: string;
  onConfirm: () => Promise<void>;
}) {
  return (
    <Popconfirm
      title={props.confirm}
      onConfirm={() => props.onConfirm()}
      okText={t.common.delete}
      okButtonProps={{ danger: true }}
    >
      <Button
        size="small"
        danger
        icon={<DeleteOutlined />}
        title={props.label}
        aria-label={props.label}
        data-testid={props.testId}
      />
    </Popconfirm>
  );
}

export default function RegistryPage() {
  const { message } = App.useApp();
  const queryClient = useQueryClient();
  const [params, setParams] = useSearchParams();
  const namespace = params.get('namespace') ?? undefined;
  const repository = params.get('repository') ?? undefined;
  /** The repository being deleted, whose tags are no longer asked for. */
  const [deleting, setDeleting] = useState<string>();
  const info = useQuery({
    queryKey: ['registry', 'info'],
    queryFn: () => requestJson<RegistryInfo>(registryUrls.info),
    staleTime: 60_000,
  });
  const enabled = info.data?.enabled === true;
  const namespaces = useQuery({
    queryKey: ['registry', 'namespaces'],
    queryFn: items<RegistryNamespace>(registryUrls.namespaces),
    enabled,
    refetchInterval,
  });
  const repositories = useQuery({
    queryKey: ['registry', 'repositories', namespace],
    queryFn: items<Repository>(registryUrls.repositories(namespace ?? '')),
    enabled: enabled && namespace !== undefined,
    refetchInterval,
  });
  const tags = useQuery({
    queryKey: ['registry', 'tags', repository],
    queryFn: items<ImageTag>(registryUrls.tags(repository ?? '')),
    enabled: enabled && repository !== undefined && repository !== deleting,
    refetchInterval,
  });

  const pick = (ns: string | undefined, repo?: string) => {
    const next = new URLSearchParams();
    if (ns) next.set('namespace', ns);
    if (repo) next.set('repository', repo);
    if (repo) setDeleting(undefined);
    setParams(next);
  };
  const remove = async (url: string, done: string, repo?: string) => {
    // Deleting a repository: stop asking for its tags first, or the next poll would 404.
    if (repo !== undefined) setDeleting(repo);
    try {
      await requestJson(url, { method: 'DELETE' });
      message.success(done);
      if (repo !== undefined) {
        queryClient.removeQueries({ queryKey: ['registry', 'tags', repo] });
        if (repository === repo) pick(namespace);
      }
    } catch (err) {
      message.error(errorMessage(err));
      if (repo !== undefined) setDeleting(undefined);
    }
    await queryClient.invalidateQueries({
      queryKey: ['registry'],
      predicate: (q) => repo === undefined || q.queryKey[2] !== repo,
    });
  };

  if (info.error) return <ErrorAlert error={info.error} />;
  if (info.data && !info.data.enabled)
    return (
      <Space direction="vertical" size={12} style={{ width: '100%' }}>
        <Typography.Title level={3} style={{ margin: 0 }}>
          {t.registry.title}
        </Typography.Title>
        <Alert
          type="info"
          showIcon
          data-testid="registry-off"
          message={t.registry.off}
          description={info.data.reason}
        />
      </Space>
    );

  const nsColumns: TableColumnsType<RegistryNamespace> = [
    {
      title: t.common.name,
      key: 'name',
      sorter: (a, b) => a.name.localeCompare(b.name),
      render: (_, ns) => (
        <Button type="link" size="small" style={{ padding: 0 }} onClick={() => pick(ns.name)}>
          {ns.name}
        </Button>
      ),
    },
    {
      title: t.registry.visibility,
      key: 'public',
      width: 100,
      render: (_, ns) =>
        ns.public ? <Tag color="green">{t.registry.public}</Tag> : <Tag>{t.registry.private}</Tag>,
    },
    { title: t.registry.repositoryCount, dataIndex: 'repositoryCount', width: 110 },
    {
      title: t.registry.used,
      key: 'used',
      width: 170,
      render: (_, ns) =>
        `${formatBytes(ns.usedBytes)} / ${ns.quotaBytes === null ? t.registry.noQuota : formatBytes(ns.quotaBytes)}`,
    },
  ];
  const repoColumns: TableColumnsType<Repository> = [
    {
      title: t.common.name,
      key: 'name',
      sorter: (a, b) => a.name.localeCompare(b.name),
      render: (_, r) => (
        <Button type="link" size="small" style={{ padding: 0 }} onClick={() => pick(r.namespace, r.name)}>
          {r.name}
        </Button>
      ),
    },
    { title: t.registry.tagCount, dataIndex: 'tagCount', width: 70 },
    {
      title: t.registry.updated,
      key: 'updated',
      width: 180,
      render: (_, r) => new Date(r.updatedAt).toLocaleString(),
    },
    {
      title: t.common.actions,
      key: 'actions',
      width: 80,
      render: (_, r) => (
        <DeleteButton
          label={`${t.registry.deleteRepository} ${r.name}`}
          testId="delete-repository"
          confirm={t.registry.confirmRepository(r.name)}
          onConfirm={() =>
            remove(registryUrls.repository(r.name), t.registry.deletedRepository(r.name), r.name)
          }
        />
      ),
    },
  ];
  const tagColumns: TableColumnsType<ImageTag> = [
    { title: t.registry.tag, dataIndex: 'name', sorter: (a, b) => a.name.localeCompare(b.name) },
    {
      title: t.registry.digest,
      key: 'digest',
      render: (_, tag) => (
        <Tooltip title={tag.digest}>
          <Typography.Text code copyable={{ text: tag.digest }} data-digest={tag.digest}>
            {shortDigest(tag.digest)}
          </Typography.Text>
        </Tooltip>
      ),
    },
    {
      title: t.registry.size,
      key: 'size',
      width: 100,
      sorter: (a, b) => a.sizeBytes - b.sizeBytes,
      render: (_, tag) => <span data-bytes={tag.sizeBytes}>{formatBytes(tag.sizeBytes)}</span>,
    },
    {
      title: t.registry.pushed,
      key: 'pushed',
      width: 180,
      sorter: (a, b) => a.pushedAt.localeCompare(b.pushedAt),
      render: (_, tag) => new Date(tag.pushedAt).toLocaleString(),
    },
    {
      title: t.common.actions,
      key: 'actions',
      width: 90,
      render: (_, tag) => {
        const repo = repository ?? '';
        return (
          <Space size={4}>
            <DeleteButton
              label={`${t.registry.deleteTag} ${tag.name}`}
              testId="delete-tag"
              confirm={t.registry.confirmTag(repo, tag.name)}
              onConfirm={() =>
                remove(registryUrls.tag(repo, tag.name), t.registry.deletedTag(`${repo}:${tag.name}`))
              }
            />
            <DeleteButton
              label={`${t.registry.deleteManifest} ${tag.digest}`}
              testId="delete-manifest"
              confirm={t.registry.confirmManifest(repo, tag.digest)}
              onConfirm={() =>
                remove(
                  registryUrls.manifest(repo, tag.digest),
                  t.registry.deletedManifest(`${repo}@${shortDigest(tag.digest)}`),
                )
              }
            />
          </Space>
        );
      },
    },
  ];

  const commands = info.data?.enabled
    ? pushCommands(info.data.address, info.data.username, namespace)
    : undefined;
  return (
    <Space direction="vertical" size={12} style={{ width: '100%' }} data-testid="registry-page">
      <Typography.Title level={3} style={{ margin: 0 }}>
        {t.registry.title}
      </Typography.Title>
      {namespaces.error ? <ErrorAlert error={namespaces.error} /> : null}
      <Card size="small" title={t.registry.namespaces}>
        <Table<RegistryNamespace>
          data-testid="registry-namespaces"
          size="small"
          rowKey="name"
          loading={info.isPending || namespaces.isPending}
          dataSource={namespaces.data ?? []}
          columns={nsColumns}
          pagination={false}
          rowClassName={(ns) => (ns.name === namespace ? 'ant-table-row-selected' : '')}
        />
      </Card>
      <Card
        size="small"
        title={namespace ? `${t.registry.repositories}: ${namespace}` : t.registry.repositories}
      >
        {repositories.error ? <ErrorAlert error={repositories.error} /> : null}
        {namespace ? (
          <Table<Repository>
            data-testid="registry-repositories"
            size="small"
            rowKey="name"
            loading={repositories.isPending}
            dataSource={repositories.data ?? []}
            columns={repoColumns}
            pagination={false}
            rowClassName={(r) => (r.name === repository ? 'ant-table-row-selected' : '')}
          />
        ) : (
          <Typography.Text type="secondary">{t.registry.pickNamespace}</Typography.Text>
        )}
      </Card>
      <Card size="small" title={repository ? `${t.registry.tags}: ${repository}` : t.registry.tags}>
        {tags.error ? <ErrorAlert error={tags.error} /> : null}
        {repository ? (
          <>
            <Table<ImageTag>
              data-testid="registry-tags"
              size="small"
              rowKey="name"
              loading={tags.isPending}
              dataSource={tags.data ?? []}
              columns={tagColumns}
              pagination={false}
              scroll={{ x: 760 }}
            />
            <Typography.Text type="secondary">{t.registry.freed}</Typography.Text>
          </>
        ) : (
          <Typography.Text type="secondary">{t.registry.pickRepository}</Typography.Text>
        )}
      </Card>
      {commands && info.data?.enabled ? (
        <Card size="small" title={t.registry.push} data-testid="registry-push">
          <Typography.Paragraph>{t.registry.pushIntro(info.data.address)}</Typography.Paragraph>
          {(
            [
              [t.registry.pushBerth, commands.berth],
              [t.registry.pushSkopeo, commands.skopeo],
              [t.registry.pushDocker, commands.docker],
            ] as const
          ).map(([title, text]) => (
            <div key={title}>
              <Typography.Text strong>{title}</Typography.Text>
              <Typography.Paragraph copyable={{ text }}>
                <pre style={{ margin: '4px 0 12px', whiteSpace: 'pre-wrap' }}>{text}</pre>
              </Typography.Paragraph>
            </div>
          ))}
        </Card>
      ) : null}
    </Space>
  );
}
