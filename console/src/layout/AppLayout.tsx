/**
 * The frame around every cluster page: the cluster switcher and user menu on top, the side
 * navigation on the left (collapsing on narrow windows), the page in the middle.
 */
import { Suspense } from 'react';
import { Outlet, useLocation, useNavigate, useParams } from 'react-router';
import { Button, Layout, Menu, Select, Space, Spin, Typography } from 'antd';
import {
  ApiOutlined,
  AppstoreOutlined,
  ClusterOutlined,
  ContainerOutlined,
  DashboardOutlined,
  DatabaseOutlined,
  DeploymentUnitOutlined,
  FolderOutlined,
  HddOutlined,
  LogoutOutlined,
  SettingOutlined,
} from '@ant-design/icons';
import { useQueryClient } from '@tanstack/react-query';
import { logout, useClusters, useSession } from '../api/session.ts';
import { t } from '../texts.ts';

const { Header, Sider, Content } = Layout;

export function AppLayout() {
  const { cluster = 'local' } = useParams();
  const navigate = useNavigate();
  const location = useLocation();
  const clusters = useClusters();
  const session = useSession();
  const queryClient = useQueryClient();
  const section = location.pathname.split('/')[3] ?? 'overview';

  const items = [
    { key: 'overview', icon: <DashboardOutlined />, label: t.nav.overview },
    { key: 'namespaces', icon: <FolderOutlined />, label: t.nav.namespaces },
    {
      key: 'cluster',
      icon: <HddOutlined />,
      label: t.nav.cluster,
      children: [
        { key: 'nodes', label: t.nav.nodes },
        { key: 'events', label: t.nav.events },
      ],
    },
    {
      key: 'workloads',
      icon: <AppstoreOutlined />,
      label: t.nav.workloads,
      children: [
        { key: 'deployments', icon: <DeploymentUnitOutlined />, label: t.nav.deployments },
        { key: 'statefulsets', label: t.nav.statefulSets },
        { key: 'daemonsets', label: t.nav.daemonSets },
        { key: 'jobs', label: t.nav.jobs },
        { key: 'cronjobs', label: t.nav.cronJobs },
        { key: 'pods', label: t.nav.pods },
      ],
    },
    {
      key: 'network',
      icon: <ApiOutlined />,
      label: t.nav.network,
      children: [
        { key: 'services', label: t.nav.services },
        { key: 'ingresses', label: t.nav.ingresses },
      ],
    },
    {
      key: 'storage',
      icon: <DatabaseOutlined />,
      label: t.nav.storage,
      children: [
        { key: 'persistentvolumeclaims', label: t.nav.claims },
        { key: 'persistentvolumes', label: t.nav.volumes },
        { key: 'storageclasses', label: t.nav.classes },
      ],
    },
    {
      key: 'config',
      icon: <SettingOutlined />,
      label: t.nav.config,
      children: [
        { key: 'configmaps', label: t.nav.configMaps },
        { key: 'secrets', label: t.nav.secrets },
      ],
    },
    { key: 'registry', icon: <ContainerOutlined />, label: t.nav.registry },
  ];

  const doLogout = async () => {
    await logout().catch(() => undefined);
    queryClient.clear();
    navigate('/login', { replace: true });
  };

  return (
    <Layout style={{ minHeight: '100vh' }}>
      <Header style={{ display: 'flex', alignItems: 'center', gap: 16, paddingInline: 16 }}>
        <Typography.Title level={4} style={{ color: '#fff', margin: 0, whiteSpace: 'nowrap' }}>
          {t.product}
        </Typography.Title>
        <Space>
          <ClusterOutlined style={{ color: '#fff' }} aria-hidden />
          <Select
            aria-label={t.layout.cluster}
            data-testid="cluster-switcher"
            value={cluster}
            style={{ minWidth: 140 }}
            loading={clusters.isPending}
            options={(clusters.data ?? [{ name: cluster, displayName: cluster }]).map((c) => ({
              value: c.name,
              label: c.displayName,
            }))}
            onChange={(name: string) => navigate(`/c/${name}/${section}`)}
          />
        </Space>
        <div style={{ flex: 1 }} />
        <Typography.Text style={{ color: 'rgba(255,255,255,0.85)' }} className="hide-narrow">
          {session.data ? t.layout.signedInAs(session.data.user) : ''}
        </Typography.Text>
        <Button icon={<LogoutOutlined />} onClick={() => void doLogout()}>
          {t.layout.logout}
        </Button>
      </Header>
      <Layout>
        <Sider breakpoint="lg" collapsedWidth={0} width={200} theme="light">
          <Menu
            mode="inline"
            selectedKeys={[section]}
            defaultOpenKeys={['cluster', 'workloads', 'network', 'storage', 'config']}
            items={items}
            onClick={({ key }) => navigate(`/c/${cluster}/${key}`)}
            style={{ height: '100%', borderInlineEnd: 0 }}
          />
        </Sider>
        <Content style={{ padding: 16, minWidth: 0 }}>
          <Suspense fallback={<Spin />}>
            <Outlet />
          </Suspense>
        </Content>
      </Layout>
    </Layout>
  );
}
