/**
 * The defaults Kubernetes fills into pod specs, shared by pods and every workload template
 * (Deployment, Job, …), so manifests read back the way `kubectl get -o yaml` shows them on a real
 * cluster. All functions mutate in place and leave fields the user set untouched.
 */
import { isObject } from '../../object.ts';

type Obj = Record<string, unknown>;

function objects(v: unknown): Obj[] {
  return Array.isArray(v) ? v.filter(isObject) : [];
}

function setIfUnset(o: Obj, key: string, value: unknown): void {
  if (o[key] === undefined || o[key] === null || o[key] === '') o[key] = value;
}

/** Always for images without a tag (or tagged :latest), IfNotPresent otherwise — as the kubelet expects. */
export function defaultImagePullPolicy(image: string): 'Always' | 'IfNotPresent' {
  if (image.includes('@')) return 'IfNotPresent';
  const lastSlash = image.lastIndexOf('/');
  const colon = image.indexOf(':', lastSlash + 1);
  if (colon < 0) return 'Always';
  return image.slice(colon + 1) === 'latest' ? 'Always' : 'IfNotPresent';
}

function defaultProbe(p: unknown): void {
  if (!isObject(p)) return;
  setIfUnset(p, 'timeoutSeconds', 1);
  setIfUnset(p, 'periodSeconds', 10);
  setIfUnset(p, 'successThreshold', 1);
  setIfUnset(p, 'failureThreshold', 3);
  defaultHandler(p);
  if (isObject(p.grpc) && p.grpc.service === undefined) p.grpc.service = '';
}

function defaultHandler(h: unknown): void {
  if (!isObject(h)) return;
  if (isObject(h.httpGet)) {
    setIfUnset(h.httpGet, 'path', '/');
    setIfUnset(h.httpGet, 'scheme', 'HTTP');
  }
}

function defaultEnv(env: unknown): void {
  for (const e of objects(env)) {
    const from = e.valueFrom;
    if (!isObject(from)) continue;
    if (isObject(from.fieldRef)) setIfUnset(from.fieldRef, 'apiVersion', 'v1');
    if (isObject(from.resourceFieldRef)) setIfUnset(from.resourceFieldRef, 'divisor', '0');
  }
}

/** Defaults of one container (also init and ephemeral containers). */
export function defaultContainer(c: Obj): void {
  if (typeof c.image === 'string' && c.image !== '')
    setIfUnset(c, 'imagePullPolicy', defaultImagePullPolicy(c.image));
  setIfUnset(c, 'terminationMessagePath', '/dev/termination-log');
  setIfUnset(c, 'terminationMessagePolicy', 'File');
  for (const port of objects(c.ports)) setIfUnset(port, 'protocol', 'TCP');
  defaultEnv(c.env);
  defaultProbe(c.livenessProbe);
  defaultProbe(c.readinessProbe);
  defaultProbe(c.startupProbe);
  if (isObject(c.lifecycle)) {
    defaultHandler(c.lifecycle.postStart);
    defaultHandler(c.lifecycle.preStop);
  }
}

function defaultItemsMode(src: Obj): void {
  setIfUnset(src, 'defaultMode', 0o644);
}

const volumeSources = [
  'hostPath',
  'emptyDir',
  'gcePersistentDisk',
  'awsElasticBlockStore',
  'gitRepo',
  'secret',
  'nfs',
  'iscsi',
  'glusterfs',
  'persistentVolumeClaim',
  'rbd',
  'flexVolume',
  'cinder',
  'cephfs',
  'flocker',
  'downwardAPI',
  'fc',
  'azureFile',
  'configMap',
  'vsphereVolume',
  'quobyte',
  'azureDisk',
  'photonPersistentDisk',
  'projected',
  'portworxVolume',
  'scaleIO',
  'storageos',
  'csi',
  'ephemeral',
  'image',
];

/** The volume source fields a Volume may hold (exactly one is set). */
export const podVolumeSources: readonly string[] = volumeSources;

/** Defaults of one volume: emptyDir when no source is given, file modes, hostPath type. */
export function defaultVolume(v: Obj): void {
  if (!volumeSources.some((k) => v[k] !== undefined && v[k] !== null)) v.emptyDir = {};
  if (isObject(v.secret)) defaultItemsMode(v.secret);
  if (isObject(v.configMap)) defaultItemsMode(v.configMap);
  if (isObject(v.downwardAPI)) {
    defaultItemsMode(v.downwardAPI);
    for (const item of objects(v.downwardAPI.items))
      if (isObject(item.fieldRef)) setIfUnset(item.fieldRef, 'apiVersion', 'v1');
  }
  if (isObject(v.projected)) {
    defaultItemsMode(v.projected);
    for (const src of objects(v.projected.sources)) {
      if (isObject(src.serviceAccountToken)) setIfUnset(src.serviceAccountToken, 'expirationSeconds', 3600);
      if (isObject(src.downwardAPI))
        for (const item of objects(src.downwardAPI.items))
          if (isObject(item.fieldRef)) setIfUnset(item.fieldRef, 'apiVersion', 'v1');
    }
  }
  if (isObject(v.hostPath) && v.hostPath.type === undefined) v.hostPath.type = '';
  if (isObject(v.iscsi)) setIfUnset(v.iscsi, 'iscsiInterface', 'default');
  if (isObject(v.rbd)) {
    setIfUnset(v.rbd, 'pool', 'rbd');
    setIfUnset(v.rbd, 'user', 'admin');
    setIfUnset(v.rbd, 'keyring', '/etc/ceph/keyring');
  }
  if (isObject(v.azureDisk)) {
    setIfUnset(v.azureDisk, 'cachingMode', 'ReadWrite');
    setIfUnset(v.azureDisk, 'fsType', 'ext4');
    if (v.azureDisk.readOnly === undefined) v.azureDisk.readOnly = false;
    setIfUnset(v.azureDisk, 'kind', 'Shared');
  }
  if (isObject(v.scaleIO)) {
    setIfUnset(v.scaleIO, 'storageMode', 'ThinProvisioned');
    setIfUnset(v.scaleIO, 'fsType', 'xfs');
  }
  if (isObject(v.image))
    setIfUnset(v.image, 'pullPolicy', defaultImagePullPolicy(String(v.image.reference ?? '')));
  const claimSpec =
    isObject(v.ephemeral) && isObject(v.ephemeral.volumeClaimTemplate)
      ? v.ephemeral.volumeClaimTemplate.spec
      : undefined;
  if (isObject(claimSpec)) setIfUnset(claimSpec, 'volumeMode', 'Filesystem');
}

/**
 * Fills the defaults of a PodSpec in place: restartPolicy Always, dnsPolicy ClusterFirst,
 * terminationGracePeriodSeconds 30, schedulerName default-scheduler, an empty securityContext,
 * and the container, probe and volume defaults.
 */
export function defaultPodSpec(spec: Obj): void {
  setIfUnset(spec, 'dnsPolicy', 'ClusterFirst');
  setIfUnset(spec, 'restartPolicy', 'Always');
  if (!isObject(spec.securityContext)) spec.securityContext = {};
  if (typeof spec.terminationGracePeriodSeconds !== 'number') spec.terminationGracePeriodSeconds = 30;
  setIfUnset(spec, 'schedulerName', 'default-scheduler');
  // serviceAccount is the deprecated alias of serviceAccountName; the two read back equal.
  if (!spec.serviceAccountName && typeof spec.serviceAccount === 'string' && spec.serviceAccount)
    spec.serviceAccountName = spec.serviceAccount;
  if (typeof spec.serviceAccountName === 'string' && spec.serviceAccountName)
    spec.serviceAccount = spec.serviceAccountName;
  for (const c of objects(spec.initContainers)) defaultContainer(c);
  for (const c of objects(spec.containers)) defaultContainer(c);
  for (const c of objects(spec.ephemeralContainers)) defaultContainer(c);
  for (const v of objects(spec.volumes)) defaultVolume(v);
}

/** Fills the defaults of a PodTemplateSpec (its spec) in place; used by apps and batch templates. */
export function defaultPodTemplateSpec(tpl: Obj): void {
  if (!isObject(tpl.spec)) tpl.spec = {};
  defaultPodSpec(tpl.spec as Obj);
}

function defaultRequestsFromLimits(c: Obj): void {
  const res = c.resources;
  if (!isObject(res) || !isObject(res.limits)) return;
  const requests: Obj = isObject(res.requests) ? res.requests : {};
  for (const [k, v] of Object.entries(res.limits)) if (requests[k] === undefined) requests[k] = v;
  if (Object.keys(requests).length) res.requests = requests;
}

function defaultHostNetworkPorts(containers: unknown): void {
  for (const c of objects(containers))
    for (const p of objects(c.ports))
      if (p.hostPort === undefined || p.hostPort === 0) p.hostPort = p.containerPort;
}

/**
 * Defaults only a Pod gets (not templates): requests copied from limits where unset,
 * enableServiceLinks true, and host ports mirrored from container ports on the host network.
 */
export function defaultPodOnly(spec: Obj): void {
  for (const c of objects(spec.containers)) defaultRequestsFromLimits(c);
  for (const c of objects(spec.initContainers)) defaultRequestsFromLimits(c);
  if (typeof spec.enableServiceLinks !== 'boolean') spec.enableServiceLinks = true;
  if (spec.hostNetwork === true) {
    defaultHostNetworkPorts(spec.containers);
    defaultHostNetworkPorts(spec.initContainers);
  }
}
