/**
 * "Create a workload by form": the form's state and the manifests it stands for. Pure, so the page
 * only renders fields, and the YAML preview, the request bodies and the tests all come from the
 * same function (`formManifests`). The reverse direction maps a server's field path (a Status
 * cause) back to the form field that produced it (`causeFormPath`).
 */
import type { KubeObject } from '../api/types.ts';

/** The kinds the form creates. */
export const formKinds = ['Deployment', 'StatefulSet', 'DaemonSet'] as const;
export type FormKind = (typeof formKinds)[number];

export interface KeyValue {
  key?: string;
  value?: string;
}

/** One environment variable: a literal value, or a key of a ConfigMap or Secret. */
export interface EnvForm {
  name?: string;
  source?: 'value' | 'configMap' | 'secret';
  value?: string;
  refName?: string;
  refKey?: string;
}

export interface PortForm {
  name?: string;
  containerPort?: number;
  protocol?: 'TCP' | 'UDP';
}

/** A readiness or liveness probe; `none` sends none. */
export interface ProbeForm {
  type?: 'none' | 'httpGet' | 'tcpSocket' | 'exec';
  path?: string;
  port?: number;
  command?: string;
  initialDelaySeconds?: number;
  periodSeconds?: number;
}

export interface MountForm {
  volume?: string;
  mountPath?: string;
  subPath?: string;
  readOnly?: boolean;
}

export interface ContainerForm {
  name?: string;
  image?: string;
  /** Words as a shell would split them ("sh -c 'echo hi'"). */
  command?: string;
  args?: string;
  cpuRequest?: string;
  memoryRequest?: string;
  cpuLimit?: string;
  memoryLimit?: string;
  env?: EnvForm[];
  ports?: PortForm[];
  readiness?: ProbeForm;
  liveness?: ProbeForm;
  mounts?: MountForm[];
}

/** A pod volume; `source` is the ConfigMap, Secret or claim name (unused for emptyDir). */
export interface VolumeForm {
  name?: string;
  type?: 'emptyDir' | 'configMap' | 'secret' | 'persistentVolumeClaim';
  source?: string;
  sizeLimit?: string;
}

export interface ServiceForm {
  enabled?: boolean;
  type?: 'ClusterIP' | 'NodePort' | 'LoadBalancer';
  /** Defaults to the workload's name. */
  name?: string;
}

export interface WorkloadForm {
  kind: FormKind;
  name?: string;
  namespace?: string;
  labels?: KeyValue[];
  replicas?: number;
  containers?: ContainerForm[];
  volumes?: VolumeForm[];
  nodeSelector?: KeyValue[];
  /** Deployment: RollingUpdate | Recreate; StatefulSet and DaemonSet: RollingUpdate | OnDelete. */
  strategy?: 'RollingUpdate' | 'Recreate' | 'OnDelete';
  maxSurge?: string;
  maxUnavailable?: string;
  service?: ServiceForm;
}

/** The strategies `kind` accepts, the first being the default. */
export function strategiesOf(kind: FormKind): ('RollingUpdate' | 'Recreate' | 'OnDelete')[] {
  return kind === 'Deployment' ? ['RollingUpdate', 'Recreate'] : ['RollingUpdate', 'OnDelete'];
}

/** A form with one container, ready to fill in. */
export function emptyWorkloadForm(kind: FormKind = 'Deployment', namespace = 'default'): WorkloadForm {
  return {
    kind,
    name: '',
    namespace,
    labels: [],
    replicas: 1,
    containers: [{ name: '', image: '', env: [], ports: [], mounts: [] }],
    volumes: [],
    nodeSelector: [],
    strategy: 'RollingUpdate',
    service: { enabled: false, type: 'ClusterIP' },
  };
}

/**
 * Splits a command line into words: whitespace separates, single quotes keep everything, double
 * quotes keep everything but `\"` and `\\`, a backslash outside quotes escapes the next character.
 */
export function splitWords(line: string | undefined): string[] {
  const words: string[] = [];
  let word = '';
  let inWord = false;
  let quote: '"' | "'" | undefined;
  const s = line ?? '';
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (quote === "'") {
      if (c === "'") quote = undefined;
      else word += c;
    } else if (quote === '"') {
      if (c === '"') quote = undefined;
      else if (c === '\\' && (s[i + 1] === '"' || s[i + 1] === '\\')) word += s[++i];
      else word += c;
    } else if (c === "'" || c === '"') {
      quote = c;
      inWord = true;
    } else if (c === '\\' && i + 1 < s.length) {
      word += s[++i];
      inWord = true;
    } else if (/\s/.test(c)) {
      if (inWord) words.push(word);
      word = '';
      inWord = false;
    } else {
      word += c;
      inWord = true;
    }
  }
  if (inWord) words.push(word);
  return words;
}

const trimmed = (s: string | undefined): string => (s ?? '').trim();

/** key/value rows as a map, skipping rows without a key; undefined when empty. */
export function keyValueMap(rows: KeyValue[] | undefined): Record<string, string> | undefined {
  const out: Record<string, string> = {};
  for (const r of rows ?? []) if (trimmed(r.key) !== '') out[trimmed(r.key)] = trimmed(r.value);
  return Object.keys(out).length > 0 ? out : undefined;
}

/** The pod labels (and selector): the form's labels, else `app: NAME`. */
export function podLabels(form: WorkloadForm): Record<string, string> {
  return keyValueMap(form.labels) ?? { app: trimmed(form.name) };
}

function resources(c: ContainerForm): Record<string, Record<string, string>> | undefined {
  const pick = (cpu?: string, memory?: string) => {
    const r: Record<string, string> = {};
    if (trimmed(cpu)) r.cpu = trimmed(cpu);
    if (trimmed(memory)) r.memory = trimmed(memory);
    return Object.keys(r).length ? r : undefined;
  };
  const requests = pick(c.cpuRequest, c.memoryRequest);
  const limits = pick(c.cpuLimit, c.memoryLimit);
  if (!requests && !limits) return undefined;
  return { ...(requests ? { requests } : {}), ...(limits ? { limits } : {}) };
}

function envVar(e: EnvForm): Record<string, unknown> {
  const name = trimmed(e.name);
  if (e.source === 'configMap' || e.source === 'secret') {
    const ref = e.source === 'configMap' ? 'configMapKeyRef' : 'secretKeyRef';
    return { name, valueFrom: { [ref]: { name: trimmed(e.refName), key: trimmed(e.refKey) } } };
  }
  return { name, value: e.value ?? '' };
}

/** The probe object, or undefined for `none`/unset. */
export function probe(p: ProbeForm | undefined): Record<string, unknown> | undefined {
  if (!p?.type || p.type === 'none') return undefined;
  const timing = {
    ...(p.initialDelaySeconds !== undefined ? { initialDelaySeconds: p.initialDelaySeconds } : {}),
    ...(p.periodSeconds !== undefined ? { periodSeconds: p.periodSeconds } : {}),
  };
  if (p.type === 'exec') return { exec: { command: splitWords(p.command) }, ...timing };
  if (p.type === 'tcpSocket') return { tcpSocket: { port: p.port }, ...timing };
  return { httpGet: { path: trimmed(p.path) || '/', port: p.port }, ...timing };
}

function container(c: ContainerForm): Record<string, unknown> {
  const out: Record<string, unknown> = { name: trimmed(c.name), image: trimmed(c.image) };
  const command = splitWords(c.command);
  const args = splitWords(c.args);
  if (command.length) out.command = command;
  if (args.length) out.args = args;
  const ports = (c.ports ?? []).filter((p) => p.containerPort !== undefined);
  if (ports.length)
    out.ports = ports.map((p) => ({
      ...(trimmed(p.name) ? { name: trimmed(p.name) } : {}),
      containerPort: p.containerPort,
      protocol: p.protocol ?? 'TCP',
    }));
  const env = (c.env ?? []).filter((e) => trimmed(e.name) !== '');
  if (env.length) out.env = env.map(envVar);
  const res = resources(c);
  if (res) out.resources = res;
  const mounts = (c.mounts ?? []).filter((m) => trimmed(m.volume) || trimmed(m.mountPath));
  if (mounts.length)
    out.volumeMounts = mounts.map((m) => ({
      name: trimmed(m.volume),
      mountPath: trimmed(m.mountPath),
      ...(trimmed(m.subPath) ? { subPath: trimmed(m.subPath) } : {}),
      ...(m.readOnly ? { readOnly: true } : {}),
    }));
  const readiness = probe(c.readiness);
  const liveness = probe(c.liveness);
  if (readiness) out.readinessProbe = readiness;
  if (liveness) out.livenessProbe = liveness;
  return out;
}

function volume(v: VolumeForm): Record<string, unknown> {
  const name = trimmed(v.name);
  const source = trimmed(v.source);
  switch (v.type) {
    case 'configMap':
      return { name, configMap: { name: source } };
    case 'secret':
      return { name, secret: { secretName: source } };
    case 'persistentVolumeClaim':
      return { name, persistentVolumeClaim: { claimName: source } };
    default:
      return { name, emptyDir: trimmed(v.sizeLimit) ? { sizeLimit: trimmed(v.sizeLimit) } : {} };
  }
}

function strategy(form: WorkloadForm): Record<string, unknown> {
  const allowed = strategiesOf(form.kind);
  const type = form.strategy && allowed.includes(form.strategy) ? form.strategy : allowed[0];
  const field = form.kind === 'Deployment' ? 'strategy' : 'updateStrategy';
  if (type !== 'RollingUpdate') return { [field]: { type } };
  const ru: Record<string, string | number> = {};
  const asIntOrPercent = (s: string) => (/^\d+$/.test(s) ? Number(s) : s);
  if (form.kind === 'Deployment' && trimmed(form.maxSurge))
    ru.maxSurge = asIntOrPercent(trimmed(form.maxSurge));
  if (form.kind !== 'StatefulSet' && trimmed(form.maxUnavailable))
    ru.maxUnavailable = asIntOrPercent(trimmed(form.maxUnavailable));
  return { [field]: { type, ...(Object.keys(ru).length ? { rollingUpdate: ru } : {}) } };
}

/** The Service's name: its own field, else the workload's. */
export function serviceName(form: WorkloadForm): string {
  return trimmed(form.service?.name) || trimmed(form.name);
}

/** The workload object the form describes. */
export function workloadManifest(form: WorkloadForm): KubeObject {
  const labels = podLabels(form);
  const volumes = (form.volumes ?? []).filter((v) => trimmed(v.name) !== '');
  const nodeSelector = keyValueMap(form.nodeSelector);
  const podSpec: Record<string, unknown> = { containers: (form.containers ?? []).map(container) };
  if (volumes.length) podSpec.volumes = volumes.map(volume);
  if (nodeSelector) podSpec.nodeSelector = nodeSelector;
  const spec: Record<string, unknown> = {};
  if (form.kind !== 'DaemonSet') spec.replicas = form.replicas ?? 1;
  if (form.kind === 'StatefulSet')
    spec.serviceName = form.service?.enabled ? serviceName(form) : trimmed(form.name);
  Object.assign(spec, {
    selector: { matchLabels: { ...labels } },
    ...strategy(form),
    template: { metadata: { labels: { ...labels } }, spec: podSpec },
  });
  // Each place gets its own copy, so the YAML preview shows the labels, not anchors and aliases.
  return {
    apiVersion: 'apps/v1',
    kind: form.kind,
    metadata: { name: trimmed(form.name), namespace: trimmed(form.namespace) || 'default', labels },
    spec,
  };
}

/** The container ports a Service exposes (every port of every container, once). */
export function servicePorts(form: WorkloadForm): Record<string, unknown>[] {
  const seen = new Set<string>();
  const out: { name: string; port: number; targetPort: number; protocol: string }[] = [];
  for (const c of form.containers ?? [])
    for (const p of c.ports ?? []) {
      if (p.containerPort === undefined) continue;
      const protocol = p.protocol ?? 'TCP';
      const key = `${protocol}/${p.containerPort}`;
      if (seen.has(key)) continue;
      seen.add(key);
      const name = trimmed(p.name) || `${protocol.toLowerCase()}-${p.containerPort}`;
      out.push({ name, port: p.containerPort, targetPort: p.containerPort, protocol });
    }
  return out;
}

/** The Service for the workload's pods, or undefined when the form does not ask for one. */
export function serviceManifest(form: WorkloadForm): KubeObject | undefined {
  if (!form.service?.enabled) return undefined;
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: serviceName(form), namespace: trimmed(form.namespace) || 'default' },
    spec: { type: form.service.type ?? 'ClusterIP', selector: podLabels(form), ports: servicePorts(form) },
  };
}

/** Every object the form will create, in the order they are sent (workload first). */
export function formManifests(form: WorkloadForm): KubeObject[] {
  const svc = serviceManifest(form);
  return svc ? [workloadManifest(form), svc] : [workloadManifest(form)];
}

type FormPath = (string | number)[];

const containerFields: [RegExp, (m: RegExpExecArray) => FormPath][] = [
  [
    /^resources\.(requests|limits)(?:\[|\.)(cpu|memory)/,
    (m) => [`${m[2]}${m[1] === 'requests' ? 'Request' : 'Limit'}`],
  ],
  [/^ports\[(\d+)\]\.(name|containerPort|protocol)/, (m) => ['ports', Number(m[1]), m[2]]],
  [/^ports\[(\d+)\]/, (m) => ['ports', Number(m[1]), 'containerPort']],
  [/^env\[(\d+)\]\.name/, (m) => ['env', Number(m[1]), 'name']],
  [/^env\[(\d+)\]\.valueFrom\.\w+\.key/, (m) => ['env', Number(m[1]), 'refKey']],
  [/^env\[(\d+)\]\.valueFrom/, (m) => ['env', Number(m[1]), 'refName']],
  [/^env\[(\d+)\]/, (m) => ['env', Number(m[1]), 'value']],
  [/^volumeMounts\[(\d+)\]\.(mountPath|subPath|readOnly)/, (m) => ['mounts', Number(m[1]), m[2]]],
  [/^volumeMounts\[(\d+)\]/, (m) => ['mounts', Number(m[1]), 'volume']],
  [/^readinessProbe/, () => ['readiness', 'type']],
  [/^livenessProbe/, () => ['liveness', 'type']],
  [/^(name|image|command|args)\b/, (m) => [m[1]]],
];

/**
 * The form field a Status cause's `field` points at, for the object the form sent as `target`;
 * undefined when no field of the form matches (the message is then shown above the form).
 */
export function causeFormPath(
  field: string | undefined,
  target: 'workload' | 'service',
): FormPath | undefined {
  if (!field) return undefined;
  if (target === 'service') {
    if (field.startsWith('metadata.name')) return ['service', 'name'];
    if (field.startsWith('spec.type') || /^spec\.ports\[\d+\]\.nodePort/.test(field))
      return ['service', 'type'];
    return undefined;
  }
  if (field.startsWith('metadata.name')) return ['name'];
  if (field.startsWith('metadata.namespace')) return ['namespace'];
  if (field.startsWith('metadata.labels') || field.startsWith('spec.selector')) return ['labels'];
  if (field.startsWith('spec.replicas')) return ['replicas'];
  if (/^spec\.(strategy|updateStrategy)\.rollingUpdate\.maxSurge/.test(field)) return ['maxSurge'];
  if (/^spec\.(strategy|updateStrategy)\.rollingUpdate\.maxUnavailable/.test(field))
    return ['maxUnavailable'];
  if (/^spec\.(strategy|updateStrategy)/.test(field)) return ['strategy'];
  const pod = /^spec\.template\.spec\.(.*)$/.exec(field)?.[1];
  if (pod === undefined) return undefined;
  if (pod.startsWith('nodeSelector')) return ['nodeSelector'];
  const vol = /^volumes\[(\d+)\](?:\.(\w+))?/.exec(pod);
  if (vol) {
    const to = !vol[2] || vol[2] === 'name' ? 'name' : vol[2] === 'emptyDir' ? 'sizeLimit' : 'source';
    return ['volumes', Number(vol[1]), to];
  }
  const c = /^containers\[(\d+)\]\.?(.*)$/.exec(pod);
  if (!c) return undefined;
  for (const [re, to] of containerFields) {
    const m = re.exec(c[2]);
    if (m) return ['containers', Number(c[1]), ...to(m)];
  }
  return ['containers', Number(c[1]), 'name'];
}
