/**
 * Edit mode of the workload form: the form filled from a live Deployment, StatefulSet or
 * DaemonSet (`formFromWorkload`), and the object a PUT sends back (`updatedWorkload`). The PUT
 * body is the object as it was read — resourceVersion included, so a change made meanwhile is
 * refused with 409 — with only what the form shows replaced; fields the form has no control for
 * (annotations, tolerations, other volume kinds, env from fields, probe thresholds, ...) and the
 * immutable ones (selector, a StatefulSet's serviceName) are kept as they were.
 */
import type { KubeObject } from '../api/types.ts';
import {
  formKinds,
  workloadManifest,
  type ContainerForm,
  type EnvForm,
  type FormKind,
  type KeyValue,
  type ProbeForm,
  type VolumeForm,
  type WorkloadForm,
} from './workload-form.ts';

type Obj = Record<string, unknown>;
const obj = (v: unknown): Obj => (typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Obj) : {});
const objs = (v: unknown): Obj[] => (Array.isArray(v) ? v.map(obj) : []);
const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
const num = (v: unknown): number | undefined => (typeof v === 'number' ? v : undefined);
const intOrString = (v: unknown): string | undefined =>
  typeof v === 'number' ? String(v) : typeof v === 'string' ? v : undefined;

/** Joins words so `splitWords` gives them back: plain words as they are, others single-quoted. */
export function joinWords(words: unknown): string | undefined {
  if (!Array.isArray(words) || words.length === 0) return undefined;
  return words
    .map((w) => String(w))
    .map((w) => (/^[\w@%+=:,./-]+$/.test(w) ? w : `'${w.replaceAll("'", `'"'"'`)}'`))
    .join(' ');
}

const rows = (m: unknown): KeyValue[] =>
  Object.entries(obj(m)).map(([key, value]) => ({ key, value: String(value) }));

/** True for the env entries the form can show (a value, a ConfigMap key, a Secret key). */
function formEnv(e: Obj): boolean {
  const from = obj(e.valueFrom);
  return e.valueFrom === undefined || from.configMapKeyRef !== undefined || from.secretKeyRef !== undefined;
}

function envForm(e: Obj): EnvForm {
  const from = obj(e.valueFrom);
  const ref = obj(from.configMapKeyRef ?? from.secretKeyRef);
  if (e.valueFrom === undefined) return { name: str(e.name), source: 'value', value: str(e.value) ?? '' };
  return {
    name: str(e.name),
    source: from.configMapKeyRef !== undefined ? 'configMap' : 'secret',
    refName: str(ref.name),
    refKey: str(ref.key),
  };
}

const probeHandlers = ['httpGet', 'tcpSocket', 'exec'] as const;

function probeForm(p: unknown): ProbeForm {
  const o = obj(p);
  const type = probeHandlers.find((h) => o[h] !== undefined);
  if (!type) return { type: 'none' };
  const h = obj(o[type]);
  return {
    type,
    path: str(h.path),
    port: num(h.port),
    command: joinWords(h.command),
    initialDelaySeconds: num(o.initialDelaySeconds),
    periodSeconds: num(o.periodSeconds),
  };
}

function containerForm(c: Obj): ContainerForm {
  const res = obj(c.resources);
  const req = obj(res.requests);
  const lim = obj(res.limits);
  return {
    name: str(c.name),
    image: str(c.image),
    command: joinWords(c.command),
    args: joinWords(c.args),
    cpuRequest: intOrString(req.cpu),
    memoryRequest: intOrString(req.memory),
    cpuLimit: intOrString(lim.cpu),
    memoryLimit: intOrString(lim.memory),
    env: objs(c.env).filter(formEnv).map(envForm),
    ports: objs(c.ports).map((p) => ({
      name: str(p.name),
      containerPort: num(p.containerPort),
      protocol: p.protocol === 'UDP' ? 'UDP' : 'TCP',
    })),
    readiness: probeForm(c.readinessProbe),
    liveness: probeForm(c.livenessProbe),
    mounts: objs(c.volumeMounts).map((m) => ({
      volume: str(m.name),
      mountPath: str(m.mountPath),
      subPath: str(m.subPath),
      readOnly: m.readOnly === true,
    })),
  };
}

const volumeTypes = ['emptyDir', 'configMap', 'secret', 'persistentVolumeClaim'] as const;

/** The form's view of a volume, or undefined for kinds the form has no control for. */
function volumeForm(v: Obj): VolumeForm | undefined {
  const type = volumeTypes.find((k) => v[k] !== undefined);
  if (!type) return undefined;
  const src = obj(v[type]);
  const source =
    type === 'configMap'
      ? src.name
      : type === 'secret'
        ? src.secretName
        : type === 'persistentVolumeClaim'
          ? src.claimName
          : undefined;
  return {
    name: str(v.name),
    type,
    source: str(source),
    sizeLimit: type === 'emptyDir' ? intOrString(src.sizeLimit) : undefined,
  };
}

/** The form filled from a workload as the API returned it. */
export function formFromWorkload(w: KubeObject): WorkloadForm {
  const kind: FormKind = formKinds.find((k) => k === w.kind) ?? 'Deployment';
  const spec = obj(w.spec);
  const template = obj(spec.template);
  const pod = obj(template.spec);
  const strategy = obj(kind === 'Deployment' ? spec.strategy : spec.updateStrategy);
  const ru = obj(strategy.rollingUpdate);
  const type = str(strategy.type);
  return {
    kind,
    name: w.metadata.name,
    namespace: w.metadata.namespace,
    labels: rows(obj(template.metadata).labels),
    replicas: num(spec.replicas) ?? 1,
    containers: objs(pod.containers).map(containerForm),
    volumes: objs(pod.volumes)
      .map(volumeForm)
      .filter((v) => v !== undefined),
    nodeSelector: rows(pod.nodeSelector),
    strategy: type === 'Recreate' || type === 'OnDelete' ? type : 'RollingUpdate',
    maxSurge: intOrString(ru.maxSurge),
    maxUnavailable: intOrString(ru.maxUnavailable),
    service: { enabled: false, type: 'ClusterIP' },
  };
}

/** Container fields the form sets (absent in the form: removed). */
const formContainerFields = [
  'name',
  'image',
  'command',
  'args',
  'ports',
  'env',
  'resources',
  'volumeMounts',
  'readinessProbe',
  'livenessProbe',
];
const probeFields = [...probeHandlers, 'initialDelaySeconds', 'periodSeconds'];

function without(o: Obj, keys: readonly string[]): Obj {
  const out = { ...o };
  for (const k of keys) delete out[k];
  return out;
}

/** A probe from the form on top of the old one: thresholds and timeouts the form lacks are kept. */
function mergedProbe(old: unknown, next: unknown): unknown {
  if (next === undefined) return undefined;
  return { ...without(obj(old), probeFields), ...obj(next) };
}

function mergedContainer(old: Obj | undefined, next: Obj): Obj {
  const out: Obj = { ...without(old ?? {}, formContainerFields), ...next };
  const keptEnv = objs(old?.env).filter((e) => !formEnv(e));
  if (keptEnv.length > 0) out.env = [...objs(next.env), ...keptEnv];
  for (const p of ['readinessProbe', 'livenessProbe']) {
    const merged = mergedProbe(old?.[p], next[p]);
    if (merged === undefined) delete out[p];
    else out[p] = merged;
  }
  return out;
}

/** The PUT body for `original` edited to `form` (kind, name and namespace stay the original's). */
export function updatedWorkload(original: KubeObject, form: WorkloadForm): KubeObject {
  const kind: FormKind = formKinds.find((k) => k === original.kind) ?? form.kind;
  const next = workloadManifest({
    ...form,
    kind,
    name: original.metadata.name,
    namespace: original.metadata.namespace,
  });
  const nextSpec = obj(next.spec);
  const nextTemplate = obj(nextSpec.template);
  const nextPod = obj(nextTemplate.spec);
  const spec = obj(original.spec);
  const template = obj(spec.template);
  const pod = obj(template.spec);
  const oldContainers = objs(pod.containers);

  const podSpec: Obj = {
    ...pod,
    containers: objs(nextPod.containers).map((c) =>
      mergedContainer(
        oldContainers.find((o) => o.name === c.name),
        c,
      ),
    ),
  };
  const volumes = [...objs(nextPod.volumes), ...objs(pod.volumes).filter((v) => !volumeForm(v))];
  if (volumes.length > 0) podSpec.volumes = volumes;
  else delete podSpec.volumes;
  if (nextPod.nodeSelector) podSpec.nodeSelector = nextPod.nodeSelector;
  else delete podSpec.nodeSelector;

  const strategyField = kind === 'Deployment' ? 'strategy' : 'updateStrategy';
  const podLabels = obj(obj(nextTemplate.metadata).labels) as Record<string, string>;
  // Object labels that were the pod labels follow them; labels of the object's own stay.
  const oldPodLabels = obj(obj(template.metadata).labels);
  const labelsFollow = JSON.stringify(original.metadata.labels ?? {}) === JSON.stringify(oldPodLabels);
  // The status is not the user's to send (a PUT ignores it); leaving it out keeps the preview short.
  const { status: _status, ...rest } = original;
  return {
    ...rest,
    metadata: { ...original.metadata, ...(labelsFollow ? { labels: { ...podLabels } } : {}) },
    spec: {
      ...spec,
      ...(kind !== 'DaemonSet' ? { replicas: nextSpec.replicas } : {}),
      [strategyField]: nextSpec[strategyField],
      template: { ...template, metadata: { ...obj(template.metadata), labels: podLabels }, spec: podSpec },
    },
  };
}

/**
 * True when `latest` differs from `base` only where no user edits (status, resourceVersion,
 * managedFields): the form's changes can then be sent again on top of `latest` without losing
 * anyone's work. A running workload's status moves all the time; only a change to what a user
 * edits (spec, labels, annotations) should stop a save with 409.
 */
export function sameDesiredState(base: KubeObject, latest: KubeObject): boolean {
  const desired = (o: KubeObject) =>
    JSON.stringify([o.metadata.uid, o.metadata.labels ?? {}, o.metadata.annotations ?? {}, o.spec ?? {}]);
  return desired(base) === desired(latest);
}

/**
 * True when `a` and `b` look the same through the form (the form's fields equal): after a PUT
 * whose answer was lost, the object already showing the edit means the PUT went through.
 */
export function sameFormState(a: KubeObject, b: KubeObject): boolean {
  const seen = (o: KubeObject) => JSON.stringify(workloadManifest(formFromWorkload(o)));
  return seen(a) === seen(b);
}
