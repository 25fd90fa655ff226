/**
 * The frame of a detail page for one namespaced object (Service, Ingress): the object live from
 * a watch, a header (back to the list, title, YAML, delete), the page's summary card, and tabs —
 * the page's own, then the object's events and its YAML, which every detail page has.
 */
import type { ReactNode } from 'react';
import { Link, useNavigate, useParams } from 'react-router';
import { Button, Card, Space, Tabs } from 'antd';
import { FileTextOutlined } from '@ant-design/icons';
import { kinds, type KnownResource } from '../../api/kinds.ts';
import type { KubeObject } from '../../api/types.ts';
import { useWatchList } from '../../api/use-watch-list.ts';
import { useNow } from '../../lib/hooks.ts';
import { yamlLink } from '../../lib/links.ts';
import { t } from '../../texts.ts';
import { DeleteWorkloadButton } from '../DeleteWorkloadButton.tsx';
import { ErrorAlert } from '../ErrorAlert.tsx';
import { DetailHeader, DetailMissing } from './DetailHeader.tsx';
import { EventsTable } from './EventsTable.tsx';
import { LazyYamlView } from './LazyYamlView.tsx';

export interface DetailTab {
  key: string;
  label: string;
  children: ReactNode;
}

/** What a page puts into the frame, given the live object. */
export interface DetailContent {
  summary: ReactNode;
  tabs: DetailTab[];
  /** Buttons before YAML and delete. */
  actions?: ReactNode;
}

export interface DetailContext {
  cluster: string;
  namespace: string;
  name: string;
  now: number;
}

export function ObjectDetailFrame<T extends KubeObject>(props: {
  resource: KnownResource;
  render: (obj: T, ctx: DetailContext) => DetailContent;
}) {
  const { cluster = 'local', namespace = 'default', name = '' } = useParams();
  const navigate = useNavigate();
  const now = useNow();
  const kind = kinds[props.resource];
  const live = useWatchList<T>(cluster, kind, { namespace, fieldSelector: `metadata.name=${name}` });
  const obj = live.items[0];
  const listUrl = `/c/${encodeURIComponent(cluster)}/${props.resource}?namespace=${encodeURIComponent(namespace)}`;

  const header = <DetailHeader title={t.yaml.title(kind.kind, `${namespace}/${name}`)} backTo={listUrl} />;

  if (!obj) {
    return <DetailMissing header={header} loading={live.loading} error={live.error} />;
  }

  const content = props.render(obj, { cluster, namespace, name, now });
  const uid = obj.metadata.uid ?? '';
  const tabs = [
    ...content.tabs,
    {
      key: 'events',
      label: t.detail.events,
      children: uid ? <EventsTable cluster={cluster} namespace={namespace} uid={uid} now={now} /> : null,
    },
    { key: 'yaml', label: t.detail.yaml, children: <LazyYamlView object={obj} /> },
  ];

  return (
    <Space direction="vertical" size={12} style={{ width: '100%' }}>
      {header}
      {live.error ? <ErrorAlert error={live.error} type="warning" title={t.common.liveError} /> : null}
      <Space wrap>
        {content.actions}
        <Link to={yamlLink(cluster, props.resource, namespace, name)}>
          <Button icon={<FileTextOutlined />}>{t.common.yaml}</Button>
        </Link>
        <DeleteWorkloadButton
          cluster={cluster}
          kind={kind}
          object={obj}
          cascade={false}
          withText
          onDeleted={() => navigate(listUrl)}
        />
      </Space>
      <Card size="small">{content.summary}</Card>
      <Card size="small">
        <Tabs items={tabs} destroyOnHidden />
      </Card>
    </Space>
  );
}
