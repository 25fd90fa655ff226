/**
 * The route table: one route per page, each page its own chunk (React.lazy), all cluster pages
 * under /c/:cluster so a second cluster is a second URL prefix, not a second app.
 */
import { Suspense, type ComponentType } from 'react';
import { lazyRetry } from './lib/lazy-retry.ts';
import { createBrowserRouter, Navigate } from 'react-router';
import { Spin } from 'antd';
import { RequireSession } from './layout/RequireSession.tsx';
import { AppLayout } from './layout/AppLayout.tsx';
import { workloadResources, type WorkloadResource } from './lib/workloads.ts';

const loaders = {
  login: () => import('./pages/LoginPage.tsx'),
  overview: () => import('./pages/OverviewPage.tsx'),
  namespaces: () => import('./pages/NamespacesPage.tsx'),
  deployments: () => import('./pages/DeploymentsPage.tsx'),
  statefulsets: () => import('./pages/StatefulSetsPage.tsx'),
  daemonsets: () => import('./pages/DaemonSetsPage.tsx'),
  jobs: () => import('./pages/JobsPage.tsx'),
  cronjobs: () => import('./pages/CronJobsPage.tsx'),
  pods: () => import('./pages/PodsPage.tsx'),
  services: () => import('./pages/ServicesPage.tsx'),
  configmaps: () => import('./pages/ConfigMapsPage.tsx'),
  secrets: () => import('./pages/SecretsPage.tsx'),
  detail: () => import('./pages/WorkloadDetailPage.tsx'),
  pod: () => import('./pages/PodDetailPage.tsx'),
  nodes: () => import('./pages/NodesPage.tsx'),
  node: () => import('./pages/NodeDetailPage.tsx'),
  events: () => import('./pages/EventsPage.tsx'),
  yaml: () => import('./pages/ObjectYamlPage.tsx'),
  new: () => import('./pages/CreateWorkloadPage.tsx'),
  persistentvolumeclaims: () => import('./pages/PersistentVolumeClaimsPage.tsx'),
  persistentvolumes: () => import('./pages/PersistentVolumesPage.tsx'),
  storageclasses: () => import('./pages/StorageClassesPage.tsx'),
  ingresses: () => import('./pages/IngressesPage.tsx'),
  service: () => import('./pages/ServiceDetailPage.tsx'),
  ingress: () => import('./pages/IngressDetailPage.tsx'),
  registry: () => import('./pages/RegistryPage.tsx'),
};
const LoginPage = lazyRetry(loaders.login);
const OverviewPage = lazyRetry(loaders.overview);
const NamespacesPage = lazyRetry(loaders.namespaces);
const DeploymentsPage = lazyRetry(loaders.deployments);
const StatefulSetsPage = lazyRetry(loaders.statefulsets);
const DaemonSetsPage = lazyRetry(loaders.daemonsets);
const JobsPage = lazyRetry(loaders.jobs);
const CronJobsPage = lazyRetry(loaders.cronjobs);
const PodsPage = lazyRetry(loaders.pods);
const ServicesPage = lazyRetry(loaders.services);
const ConfigMapsPage = lazyRetry(loaders.configmaps);
const SecretsPage = lazyRetry(loaders.secrets);
const WorkloadDetailPage = lazyRetry(loaders.detail);
const ObjectYamlPage = lazyRetry(loaders.yaml);
const PodDetailPage = lazyRetry(loaders.pod);
const NodesPage = lazyRetry(loaders.nodes);
const NodeDetailPage = lazyRetry(loaders.node);
const EventsPage = lazyRetry(loaders.events);
const CreateWorkloadPage = lazyRetry(loaders.new);
const PersistentVolumeClaimsPage = lazyRetry(loaders.persistentvolumeclaims);
const PersistentVolumesPage = lazyRetry(loaders.persistentvolumes);
const StorageClassesPage = lazyRetry(loaders.storageclasses);
const IngressesPage = lazyRetry(loaders.ingresses);
const ServiceDetailPage = lazyRetry(loaders.service);
const IngressDetailPage = lazyRetry(loaders.ingress);
const RegistryPage = lazyRetry(loaders.registry);
const NotFoundPage = lazyRetry(() => import('./pages/NotFoundPage.tsx'));

// Start fetching the first page's chunk now, alongside the session check, instead of after it.
// A workload's own page is /c/CLUSTER/RESOURCE/NAMESPACE/NAME.
const firstMatch = /^\/(?:c\/[^/]+\/)?([a-z]+)(\/[^/]+\/[^/]+)?/.exec(window.location.pathname);
/** Detail pages of other kinds, by the list's resource. */
const detailPages: Record<string, string> = { pods: 'pod', services: 'service', ingresses: 'ingress' };
/** The page the browser opened first (a key of the route table's loaders). */
export const firstPage =
  firstMatch?.[2] && workloadResources.some((r) => r === firstMatch[1])
    ? 'detail'
    : firstMatch?.[2] && Object.hasOwn(detailPages, firstMatch[1])
      ? detailPages[firstMatch[1]]
      : firstMatch?.[1] === 'edit'
        ? 'new'
        : (firstMatch?.[1] ?? 'overview');
// Only a head start: a failed fetch is left to the page's lazyRetry, not reported here.
if (Object.hasOwn(loaders, firstPage)) loaders[firstPage as keyof typeof loaders]().catch(() => undefined);

/** The cluster shown first. */
export const defaultCluster = 'local';

function page(Page: ComponentType) {
  return (
    <Suspense fallback={<Spin style={{ display: 'block', margin: 48 }} />}>
      <Page />
    </Suspense>
  );
}

/** The detail page of one workload kind; `key` makes a new kind a fresh page. */
function detail(resource: WorkloadResource) {
  return {
    path: `${resource}/:namespace/:name`,
    element: (
      <Suspense fallback={<Spin style={{ display: 'block', margin: 48 }} />}>
        <WorkloadDetailPage key={resource} resource={resource} />
      </Suspense>
    ),
  };
}

export const router = createBrowserRouter([
  { path: '/login', element: page(LoginPage) },
  { path: '/', element: <Navigate to={`/c/${defaultCluster}/overview`} replace /> },
  {
    path: '/c/:cluster',
    element: (
      <RequireSession>
        <AppLayout />
      </RequireSession>
    ),
    children: [
      { index: true, element: <Navigate to="overview" replace /> },
      { path: 'overview', element: page(OverviewPage) },
      { path: 'namespaces', element: page(NamespacesPage) },
      { path: 'deployments', element: page(DeploymentsPage) },
      { path: 'statefulsets', element: page(StatefulSetsPage) },
      { path: 'daemonsets', element: page(DaemonSetsPage) },
      { path: 'jobs', element: page(JobsPage) },
      { path: 'cronjobs', element: page(CronJobsPage) },
      ...workloadResources.map(detail),
      { path: 'pods', element: page(PodsPage) },
      { path: 'pods/:namespace/:name', element: page(PodDetailPage) },
      { path: 'nodes', element: page(NodesPage) },
      { path: 'nodes/:name', element: page(NodeDetailPage) },
      { path: 'events', element: page(EventsPage) },
      { path: 'services', element: page(ServicesPage) },
      { path: 'services/:namespace/:name', element: page(ServiceDetailPage) },
      { path: 'configmaps', element: page(ConfigMapsPage) },
      { path: 'secrets', element: page(SecretsPage) },
      { path: 'yaml/:resource/:namespace/:name', element: page(ObjectYamlPage) },
      { path: 'new/:resource', element: page(CreateWorkloadPage) },
      { path: 'edit/:resource/:namespace/:name', element: page(CreateWorkloadPage) },
      { path: 'persistentvolumeclaims', element: page(PersistentVolumeClaimsPage) },
      { path: 'persistentvolumes', element: page(PersistentVolumesPage) },
      { path: 'storageclasses', element: page(StorageClassesPage) },
      { path: 'ingresses', element: page(IngressesPage) },
      { path: 'ingresses/:namespace/:name', element: page(IngressDetailPage) },
      { path: 'registry', element: page(RegistryPage) },
      { path: '*', element: page(NotFoundPage) },
    ],
  },
  { path: '*', element: page(NotFoundPage) },
]);
