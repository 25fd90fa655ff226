/**
 * Each page's chunk import, by page key (lib/first-page.ts names the page a URL opens). Kept apart
 * from the route table so the boot script can start the first page's chunk without loading the
 * router, React or antd first.
 */
export const pageLoaders = {
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
