/**
 * How node agents find the image registry of their cluster. `berth up` publishes the registry's
 * address (HOST:PORT, as image names spell it) in the ConfigMap `kube-public/berth-registry`, with
 * a Role and RoleBinding letting group `system:nodes` `get` that one ConfigMap and nothing else
 * (the node authorizer has no opinion on it, so RBAC decides). An agent started without
 * `--registry` reads it once at start with its node credentials and trusts the registry as if the
 * flag had been given (src/node/agent/registry-trust.ts). Everything goes through the API (the
 * client), never the store, so admission, RBAC and watches see it like any other write.
 */
import { StatusError } from '../api/errors.ts';
import type { KubeObject } from '../api/object.ts';
import type { Client } from '../client/client.ts';

export const registryInfoNamespace = 'kube-public';
export const registryInfoName = 'berth-registry';
/** The Role and RoleBinding letting nodes read the ConfigMap. */
export const registryInfoReader = 'berth:registry-address-reader';

const rbac = 'rbac.authorization.k8s.io';
const labels = { 'app.kubernetes.io/managed-by': 'berth' };

/** The objects `publishRegistryAddress` keeps, as [group, resource, object]. */
export function registryInfoObjects(address: string): [string, string, KubeObject][] {
  const metadata = (name: string) => ({ name, namespace: registryInfoNamespace, labels });
  return [
    [
      '',
      'configmaps',
      { apiVersion: 'v1', kind: 'ConfigMap', metadata: metadata(registryInfoName), data: { address } },
    ],
    [
      rbac,
      'roles',
      {
        apiVersion: `${rbac}/v1`,
        kind: 'Role',
        metadata: metadata(registryInfoReader),
        rules: [
          { apiGroups: [''], resources: ['configmaps'], resourceNames: [registryInfoName], verbs: ['get'] },
        ],
      },
    ],
    [
      rbac,
      'rolebindings',
      {
        apiVersion: `${rbac}/v1`,
        kind: 'RoleBinding',
        metadata: metadata(registryInfoReader),
        roleRef: { apiGroup: rbac, kind: 'Role', name: registryInfoReader },
        subjects: [{ apiGroup: rbac, kind: 'Group', name: 'system:nodes' }],
      },
    ],
  ];
}

const isCode = (err: unknown, code: number): boolean => err instanceof StatusError && err.code === code;

/**
 * Creates the ConfigMap, Role and RoleBinding when missing and rewrites the ConfigMap's address
 * when it changed (a different `--registry-listen`); RBAC objects an administrator edited are left
 * alone. Needs a client allowed to write in kube-public (the admin's).
 */
export async function publishRegistryAddress(client: Client, address: string): Promise<void> {
  for (const [group, resource, obj] of registryInfoObjects(address)) {
    const rs = client.resource(group, 'v1', resource);
    let cur: KubeObject | undefined;
    try {
      cur = await rs.get(registryInfoNamespace, obj.metadata.name!);
    } catch (err) {
      if (!isCode(err, 404)) throw err;
    }
    try {
      if (!cur) await rs.create(registryInfoNamespace, obj);
      else if (resource === 'configmaps' && JSON.stringify(cur.data) !== JSON.stringify(obj.data))
        await rs.update(registryInfoNamespace, { ...cur, data: obj.data });
    } catch (err) {
      // Written by someone else meanwhile (another `berth up` on the same data): theirs stands.
      if (!isCode(err, 409)) throw err;
    }
  }
}

/**
 * The published registry address, or undefined when none is published (no registry, or an older
 * control plane) or this client may not read it. Other failures (API unreachable) are thrown.
 */
export async function discoverRegistryAddress(client: Client): Promise<string | undefined> {
  let cm: KubeObject;
  try {
    cm = await client.resource('', 'v1', 'configmaps').get(registryInfoNamespace, registryInfoName);
  } catch (err) {
    if (isCode(err, 404) || isCode(err, 403)) return undefined;
    throw err;
  }
  const address = (cm.data as Record<string, unknown> | undefined)?.address;
  return typeof address === 'string' && address !== '' ? address : undefined;
}
