/**
 * The frame every namespaced list page shares: title, namespace filter, name search, "create from
 * YAML", and a live virtualized table whose first columns (name, namespace) and last (age,
 * actions: YAML, delete) are always the same. A page adds its own columns and row actions.
 */
import { Suspense, useState, type ReactNode } from 'react';
import { lazyRetry } from '../lib/lazy-retry.ts';
import { Link, useParams } from 'react-router';
import { Button, Input, Space, Typography } from 'antd';
import type { TableColumnsType } from 'antd';
import { FileTextOutlined, PlusOutlined } from '@ant-design/icons';
import type { KnownResource } from '../api/kinds.ts';
import { kinds } from '../api/kinds.ts';
import type { KubeObject } from '../api/types.ts';
import { useWatchList } from '../api/use-watch-list.ts';
import { age } from '../lib/format.ts';
import { useNow } from '../lib/hooks.ts';
import { detailLink, filterByName, yamlLink } from '../lib/links.ts';
import { t } from '../texts.ts';
import { DeleteWorkloadButton } from './DeleteWorkloadButton.tsx';
import { NamespaceSelect, useNamespaceParam } from './NamespaceSelect.tsx';
import { ResourceTable } from './ResourceTable.tsx';

// The YAML editor (and the YAML library under it, ~29 KiB gzipped) loads when "create" is clicked,
// not with the list: a list page opened first stays within the initial JS budget.
const YamlCreateModal = lazyRetry(() =>
  import('./YamlCreateModal.tsx').then((m) => ({ default: m.YamlCreateModal })),
);

export interface ResourceListPageProps<T extends KubeObject> {
  title: string;
  resource: KnownResource;
  testId: string;
  /** The page's own columns, between namespace and age. `now` moves every few seconds. */
  columns: (ctx: { cluster: string; now: number }) => TableColumnsType<T>;
  /** Extra row actions, before YAML and delete. */
  actions?: (obj: T, cluster: string) => ReactNode;
  actionsWidth?: number;
  /** Name links to the detail page (workloads) instead of the YAML view. */
  detail?: boolean;
  /** A cluster-scoped kind: no namespace column or filter. */
  clusterScoped?: boolean;
  /** Offer a cascade choice on delete (objects with dependents). */
  cascade?: boolean;
  /** The starter manifest of "create from YAML"; no create button without it. */
  createTemplate?: (namespace: string) => string;
  createLabel?: string;
  /**
   * A "create by form" dialog (lazy-loaded by the page): the header gets a "Create by form" button
   * that renders it, in the list's namespace; it calls `onClose` when done or cancelled.
   */
  createForm?: (ctx: { cluster: string; namespace: string; onClose: () => void }) => ReactNode;
  /** More header buttons, before "create from YAML" (e.g. "create by form"). */
  headerExtra?: (ctx: { cluster: string; namespace?: string }) => ReactNode;
  width?: number;
  /** Rendered below the table (the page's modals). */
  children?: ReactNode;
}

export function ResourceListPage<T extends KubeObject>(props: ResourceListPageProps<T>) {
  const { cluster = 'local' } = useParams();
  const now = useNow();
  const [namespaceParam] = useNamespaceParam();
  const namespace = props.clusterScoped ? undefined : namespaceParam;
  const kind = kinds[props.resource];
  const list = useWatchList<T>(cluster, kind, { namespace });
  const [query, setQuery] = useState('');
  const [creating, setCreating] = useState(false);
  const [formOpen, setFormOpen] = useState(false);

  const columns: TableColumnsType<T> = [
    {
      title: t.common.name,
      key: 'name',
      width: 180,
      fixed: 'left',
      sorter: (a, b) => a.metadata.name.localeCompare(b.metadata.name),
      render: (_, o) => (
        <Link
          to={(props.detail ? detailLink : yamlLink)(
            cluster,
            props.resource,
            o.metadata.namespace,
            o.metadata.name,
          )}
        >
          {o.metadata.name}
        </Link>
      ),
    },
    ...(props.clusterScoped
      ? []
      : [
          {
            title: t.common.namespace,
            key: 'ns',
            width: 125,
            sorter: (a: T, b: T) => (a.metadata.namespace ?? '').localeCompare(b.metadata.namespace ?? ''),
            render: (_: unknown, o: T) => o.metadata.namespace,
          },
        ]),
    ...props.columns({ cluster, now }),
    {
      title: t.common.age,
      key: 'age',
      width: 70,
      sorter: (a, b) =>
        (a.metadata.creationTimestamp ?? '').localeCompare(b.metadata.creationTimestamp ?? ''),
      render: (_, o) => age(o.metadata.creationTimestamp, now),
    },
    {
      title: t.common.actions,
      key: 'actions',
      width: props.actionsWidth ?? 100,
      render: (_, o) => (
        <Space size={4}>
          {props.actions?.(o, cluster)}
          {/* A native title, not a Tooltip: one Tooltip per row weighs on every scroll step. */}
          <Link
            to={yamlLink(cluster, props.resource, o.metadata.namespace, o.metadata.name)}
            aria-label={`${t.common.yaml} ${o.metadata.name}`}
            title={t.common.yaml}
          >
            <Button size="small" icon={<FileTextOutlined />} tabIndex={-1} />
          </Link>
          <DeleteWorkloadButton cluster={cluster} kind={kind} object={o} cascade={props.cascade ?? false} />
        </Space>
      ),
    },
  ];

  return (
    <Space direction="vertical" size={12} style={{ width: '100%' }}>
      <Space wrap style={{ width: '100%', justifyContent: 'space-between' }}>
        <Typography.Title level={3} style={{ margin: 0 }}>
          {props.title}
        </Typography.Title>
        <Space wrap>
          {props.clusterScoped ? null : <NamespaceSelect cluster={cluster} />}
          <Input.Search
            allowClear
            placeholder={t.common.search}
            onChange={(e) => setQuery(e.target.value)}
            style={{ width: 200 }}
          />
          {props.createForm ? (
            <Button icon={<PlusOutlined />} onClick={() => setFormOpen(true)}>
              {t.form.createForm}
            </Button>
          ) : null}
          {props.headerExtra?.({ cluster, namespace })}
          {props.createTemplate ? (
            <Button type="primary" icon={<PlusOutlined />} onClick={() => setCreating(true)}>
              {props.createLabel ?? t.workloads.createYaml}
            </Button>
          ) : null}
        </Space>
      </Space>
      <ResourceTable
        testId={props.testId}
        items={filterByName(list.items, query)}
        columns={columns}
        loading={list.loading}
        error={list.error}
        width={props.width ?? 1000}
      />
      {creating && props.createTemplate ? (
        <Suspense fallback={null}>
          <YamlCreateModal
            cluster={cluster}
            open
            defaultNamespace={namespace ?? 'default'}
            initialText={props.createTemplate(namespace ?? 'default')}
            onClose={() => setCreating(false)}
          />
        </Suspense>
      ) : null}
      {formOpen && props.createForm ? (
        <Suspense fallback={null}>
          {props.createForm({
            cluster,
            namespace: namespace ?? 'default',
            onClose: () => setFormOpen(false),
          })}
        </Suspense>
      ) : null}
      {props.children}
    </Space>
  );
}
