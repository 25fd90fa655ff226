/**
 * The objects a pod needs from the API to run, by name: the Secrets and ConfigMaps its volumes, env
 * and image pull secrets name, its PersistentVolumeClaims (including generic ephemeral volumes), and
 * its service account. The node authorizer lets a node read exactly these for the pods bound to it.
 */
import type { KubeObject } from '../../api/object.ts';
import { isObject } from '../../api/object.ts';

export interface PodReferences {
  secrets: Set<string>;
  configMaps: Set<string>;
  persistentVolumeClaims: Set<string>;
  serviceAccount: string;
}

type Obj = Record<string, unknown>;

function list(v: unknown): Obj[] {
  return Array.isArray(v) ? v.filter(isObject) : [];
}

function field(o: unknown, ...path: string[]): unknown {
  let cur = o;
  for (const p of path) cur = isObject(cur) ? cur[p] : undefined;
  return cur;
}

function add(set: Set<string>, name: unknown): void {
  if (typeof name === 'string' && name) set.add(name);
}

/** Everything `pod` references by name (in its own namespace). */
export function podReferences(pod: KubeObject): PodReferences {
  const spec = isObject(pod.spec) ? pod.spec : {};
  const r: PodReferences = {
    secrets: new Set(),
    configMaps: new Set(),
    persistentVolumeClaims: new Set(),
    serviceAccount:
      typeof spec.serviceAccountName === 'string' && spec.serviceAccountName
        ? spec.serviceAccountName
        : 'default',
  };
  for (const s of list(spec.imagePullSecrets)) add(r.secrets, s.name);
  for (const v of list(spec.volumes)) {
    add(r.secrets, field(v, 'secret', 'secretName'));
    add(r.configMaps, field(v, 'configMap', 'name'));
    add(r.persistentVolumeClaims, field(v, 'persistentVolumeClaim', 'claimName'));
    if (isObject(v.ephemeral)) add(r.persistentVolumeClaims, `${pod.metadata.name}-${String(v.name)}`);
    for (const src of list(field(v, 'projected', 'sources'))) {
      add(r.secrets, field(src, 'secret', 'name'));
      add(r.configMaps, field(src, 'configMap', 'name'));
    }
    // Volume plugins that name a Secret for their credentials.
    for (const plugin of [
      'cephfs',
      'rbd',
      'iscsi',
      'flexVolume',
      'csi',
      'azureFile',
      'scaleIO',
      'storageos',
    ]) {
      const p = v[plugin];
      add(r.secrets, field(p, 'secretRef', 'name'));
      add(r.secrets, field(p, 'nodePublishSecretRef', 'name'));
    }
    add(r.secrets, field(v, 'azureFile', 'secretName'));
  }
  const containers = [
    ...list(spec.initContainers),
    ...list(spec.containers),
    ...list(spec.ephemeralContainers),
  ];
  for (const c of containers) {
    for (const e of list(c.env)) {
      add(r.secrets, field(e, 'valueFrom', 'secretKeyRef', 'name'));
      add(r.configMaps, field(e, 'valueFrom', 'configMapKeyRef', 'name'));
    }
    for (const e of list(c.envFrom)) {
      add(r.secrets, field(e, 'secretRef', 'name'));
      add(r.configMaps, field(e, 'configMapRef', 'name'));
    }
  }
  return r;
}
