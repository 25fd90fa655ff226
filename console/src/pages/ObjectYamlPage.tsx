/** The YAML of any object the console knows the kind of, read fresh from the API. */
import { useState } from 'react';
import { useNavigate, useParams } from 'react-router';
import { App, Button, Card, Checkbox, Result, Space, Spin, Typography } from 'antd';
import { ArrowLeftOutlined, CopyOutlined, ReloadOutlined } from '@ant-design/icons';
import { useQuery } from '@tanstack/react-query';
import { clusterApi } from '../api/client.ts';
import { kindByResource, resourcePath } from '../api/kinds.ts';
import type { KubeObject } from '../api/types.ts';
import { ErrorAlert } from '../components/ErrorAlert.tsx';
import { noNamespace } from '../lib/links.ts';
import { toYaml } from '../lib/yaml.ts';
import { t } from '../texts.ts';

export default function ObjectYamlPage() {
  const { cluster = 'local', resource = '', namespace = noNamespace, name = '' } = useParams();
  const navigate = useNavigate();
  const { message } = App.useApp();
  const [managed, setManaged] = useState(false);
  const kind = kindByResource(resource);
  const ns = namespace === noNamespace ? undefined : namespace;
  const query = useQuery({
    queryKey: ['object', cluster, resource, ns, name],
    enabled: kind !== undefined,
    queryFn: ({ signal }) =>
      clusterApi(cluster).get<KubeObject>(resourcePath(kind!, { namespace: ns, name }), signal),
  });
  if (!kind) return <Result status="404" title={t.notFound.title} />;
  const text = query.data ? toYaml(query.data, { managedFields: managed }) : '';

  return (
    <Space direction="vertical" size={12} style={{ width: '100%' }}>
      <Space wrap>
        <Button icon={<ArrowLeftOutlined />} onClick={() => navigate(-1)}>
          {t.common.back}
        </Button>
        <Typography.Title level={3} style={{ margin: 0 }}>
          {t.yaml.title(kind.kind, ns ? `${ns}/${name}` : name)}
        </Typography.Title>
      </Space>
      {query.isError ? <ErrorAlert error={query.error} /> : null}
      <Card
        size="small"
        extra={
          <Space>
            <Checkbox checked={managed} onChange={(e) => setManaged(e.target.checked)}>
              {t.yaml.managedFields}
            </Checkbox>
            <Button
              size="small"
              icon={<ReloadOutlined />}
              onClick={() => void query.refetch()}
              aria-label={t.common.retry}
            />
            <Button
              size="small"
              icon={<CopyOutlined />}
              disabled={!text}
              onClick={() =>
                void navigator.clipboard?.writeText(text).then(() => message.success(t.common.copied))
              }
            >
              {t.common.copy}
            </Button>
          </Space>
        }
      >
        {query.isPending ? (
          <Spin />
        ) : (
          <pre
            data-testid="object-yaml"
            style={{ margin: 0, overflow: 'auto', maxHeight: 'calc(100vh - 240px)', fontSize: 13 }}
          >
            {text}
          </pre>
        )}
      </Card>
    </Space>
  );
}
