/**
 * Which page a URL opens, worked out from the path alone so the boot script can start that page's
 * chunk (and its data) before the router and React have even loaded.
 */
import { workloadResources } from './workloads.ts';

/** The cluster shown first. */
export const defaultCluster = 'local';

/** Detail pages of other kinds, by the list's resource. */
const detailPages: Record<string, string> = { pods: 'pod', services: 'service', ingresses: 'ingress' };

/**
 * The page `pathname` opens, as a key of the route table's loaders (page-loaders.ts): 'overview',
 * 'pods', 'detail' (a workload's own page, /c/CLUSTER/RESOURCE/NAMESPACE/NAME), 'pod', 'new', ...
 * An unknown section comes back as is; the caller checks it against the loaders.
 */
export function firstPageOf(pathname: string): string {
  if (/^\/c\/[^/]+\/?$/.test(pathname)) return 'overview';
  const m = /^\/(?:c\/[^/]+\/)?([a-z]+)(\/[^/]+\/[^/]+)?/.exec(pathname);
  const section = m?.[1];
  if (!section) return 'overview';
  if (m[2] && workloadResources.some((r) => r === section)) return 'detail';
  if (m[2] && Object.hasOwn(detailPages, section)) return detailPages[section]!;
  if (section === 'edit') return 'new';
  return section;
}

/** The cluster in `pathname` (/c/NAME/...), or the default one. */
export function clusterOf(pathname: string): string {
  const m = /^\/c\/([^/]+)/.exec(pathname);
  return m ? decodeURIComponent(m[1]!) : defaultCluster;
}
