/** URLs of console pages, so every link to a page is built one way. */

/** Placeholder for "no namespace" in paths of cluster-scoped objects. */
export const noNamespace = '_';

/** The YAML view of one object. */
export function yamlLink(
  cluster: string,
  resource: string,
  namespace: string | undefined,
  name: string,
): string {
  const ns = namespace && namespace !== '' ? namespace : noNamespace;
  return `/c/${encodeURIComponent(cluster)}/yaml/${resource}/${encodeURIComponent(ns)}/${encodeURIComponent(name)}`;
}

/** The detail page of one workload (`resource` is deployments, statefulsets, ...). */
export function detailLink(
  cluster: string,
  resource: string,
  namespace: string | undefined,
  name: string,
): string {
  const ns = namespace && namespace !== '' ? namespace : noNamespace;
  return `/c/${encodeURIComponent(cluster)}/${resource}/${encodeURIComponent(ns)}/${encodeURIComponent(name)}`;
}

/** Objects whose name contains `query` (case-insensitive); all when the query is blank. */
export function filterByName<T extends { metadata: { name: string } }>(items: T[], query: string): T[] {
  const q = query.trim().toLowerCase();
  if (q === '') return items;
  return items.filter((o) => o.metadata.name.toLowerCase().includes(q));
}

/** The workload form in edit mode for one Deployment, StatefulSet or DaemonSet. */
export function editLink(cluster: string, resource: string, namespace: string, name: string): string {
  return `/c/${encodeURIComponent(cluster)}/edit/${resource}/${encodeURIComponent(namespace)}/${encodeURIComponent(name)}`;
}
