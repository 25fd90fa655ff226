/**
 * The image repository pages' data: what the console server's `/api/registry` answers (whether a
 * registry runs, its namespaces, repositories and tags), the URLs to ask, sizes for people, and the
 * push commands for this registry's address.
 */

/** `/api/registry`: a registry runs at `address`, or none does and `reason` says why. */
export type RegistryInfo =
  { enabled: true; address: string; url: string; username: string } | { enabled: false; reason: string };

export interface RegistryNamespace {
  name: string;
  public: boolean;
  quotaBytes: number | null;
  usedBytes: number;
  repositoryCount: number;
  proxy: { url: string } | null;
  createdAt: string;
}

export interface Repository {
  name: string;
  namespace: string;
  tagCount: number;
  createdAt: string;
  updatedAt: string;
}

export interface ImageTag {
  name: string;
  digest: string;
  mediaType: string;
  sizeBytes: number;
  pushedAt: string;
}

/** Where the console server answers registry questions. */
export const registryUrls = {
  info: '/api/registry',
  namespaces: '/api/registry/api/v1/namespaces',
  repositories: (namespace: string) =>
    `/api/registry/api/v1/namespaces/${encodeURIComponent(namespace)}/repositories`,
  repository: (repo: string) =>
    `/api/registry/api/v1/repositories/${repo.split('/').map(encodeURIComponent).join('/')}`,
  tags: (repo: string) => `${registryUrls.repository(repo)}/tags`,
  tag: (repo: string, tag: string) => `${registryUrls.tags(repo)}/${encodeURIComponent(tag)}`,
  manifest: (repo: string, digest: string) => `/api/registry/v2/${repo}/manifests/${digest}`,
};

const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];

/** 1536 → "1.5 KiB": binary units, one decimal below 10, none above. */
export function formatBytes(n: number): string {
  let v = n;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  const digits = i === 0 || v >= 10 ? 0 : 1;
  return `${v.toFixed(digits)} ${units[i]}`;
}

/** "sha256:0123456789ab…": enough of a digest to tell images apart in a table. */
export function shortDigest(digest: string): string {
  const [alg, hex = ''] = digest.split(':');
  return hex.length > 12 ? `${alg}:${hex.slice(0, 12)}…` : digest;
}

/** The commands that push an image here, for a namespace (a placeholder when none is picked). */
export function pushCommands(address: string, username: string, namespace = 'NAMESPACE') {
  const ref = `${address}/${namespace}/NAME:TAG`;
  return {
    berth: `berth image push ./image-dir ${ref}`,
    skopeo: [
      `skopeo login --username ${username} ${address}`,
      `skopeo copy --dest-cert-dir ~/.berth/server/tls docker-archive:image.tar docker://${ref}`,
    ].join('\n'),
    docker: [
      `docker login --username ${username} ${address}`,
      `docker tag IMAGE ${ref}`,
      `docker push ${ref}`,
    ].join('\n'),
  };
}
