/**
 * One container's checks: image, ports, env, envFrom, mounts, probes, lifecycle hooks, resources
 * and security context. Init and ephemeral containers differ only in which fields are allowed.
 */
import { fieldError, type FieldError } from '../errors.ts';
import {
  isRelaxedEnvVarName,
  isValidPortName,
  isValidPortNum,
  isDNS1123Subdomain,
  isConfigMapKey,
} from './names.ts';
import { validateResourceRequirements } from './resources.ts';
import {
  nameErrors,
  nonNegative,
  obj,
  objects,
  oneOf,
  positive,
  setKeys,
  str,
  notFound,
  validateLocalDescendingPath,
  type Obj,
} from './util.ts';

export type ContainerKind = 'container' | 'init' | 'ephemeral';

export interface ContainerContext {
  kind: ContainerKind;
  /** Volumes of the pod by name; mounts must refer to one of them. */
  volumes: Map<string, Obj>;
  hostNetwork: boolean;
}

const fieldRefPaths = [
  'metadata.name',
  'metadata.namespace',
  'metadata.uid',
  'spec.nodeName',
  'spec.serviceAccountName',
  'status.hostIP',
  'status.hostIPs',
  'status.podIP',
  'status.podIPs',
];

/** A port given as a number (1–65535) or as an IANA port name. */
export function validatePortNumOrName(port: unknown, path: string): FieldError[] {
  if (typeof port === 'number') return isValidPortNum(port).map((m) => fieldError.invalid(path, port, m));
  if (typeof port === 'string') {
    if (/^[0-9]+$/.test(port))
      return isValidPortNum(Number(port)).map((m) => fieldError.invalid(path, port, m));
    return isValidPortName(port).map((m) => fieldError.invalid(path, port, m));
  }
  return [fieldError.required(path)];
}

function validatePorts(ports: unknown, path: string, hostNetwork: boolean): FieldError[] {
  const errs: FieldError[] = [];
  const names = new Set<string>();
  objects(ports).forEach((p, i) => {
    const at = `${path}[${i}]`;
    const name = str(p.name);
    if (name) {
      errs.push(...nameErrors(name, `${at}.name`, isValidPortName));
      if (names.has(name)) errs.push(fieldError.duplicate(`${at}.name`, name));
      names.add(name);
    }
    if (p.containerPort === undefined) errs.push(fieldError.required(`${at}.containerPort`));
    else
      errs.push(
        ...isValidPortNum(Number(p.containerPort)).map((m) =>
          fieldError.invalid(`${at}.containerPort`, p.containerPort, m),
        ),
      );
    if (p.hostPort !== undefined && p.hostPort !== 0)
      errs.push(
        ...isValidPortNum(Number(p.hostPort)).map((m) => fieldError.invalid(`${at}.hostPort`, p.hostPort, m)),
      );
    if (hostNetwork && p.hostPort !== undefined && p.hostPort !== p.containerPort)
      errs.push(
        fieldError.invalid(
          `${at}.containerPort`,
          p.containerPort,
          'must match `hostPort` when `hostNetwork` is true',
        ),
      );
    errs.push(...oneOf(p.protocol, `${at}.protocol`, ['SCTP', 'TCP', 'UDP']));
  });
  return errs;
}

function validateKeyRef(ref: Obj, path: string): FieldError[] {
  const errs: FieldError[] = [];
  const key = str(ref.key);
  if (!key) errs.push(fieldError.required(`${path}.key`));
  else errs.push(...nameErrors(key, `${path}.key`, isConfigMapKey));
  const name = str(ref.name);
  if (name) errs.push(...nameErrors(name, `${path}.name`, isDNS1123Subdomain));
  return errs;
}

function validateEnv(env: unknown, path: string): FieldError[] {
  const errs: FieldError[] = [];
  objects(env).forEach((e, i) => {
    const at = `${path}[${i}]`;
    const name = str(e.name);
    if (!name) errs.push(fieldError.required(`${at}.name`));
    else errs.push(...nameErrors(name, `${at}.name`, isRelaxedEnvVarName));
    if (e.valueFrom === undefined || e.valueFrom === null) return;
    const from = obj(e.valueFrom);
    const fromPath = `${at}.valueFrom`;
    if (str(e.value) !== '')
      errs.push(fieldError.invalid(fromPath, '', 'may not be specified when `value` is not empty'));
    const kinds = setKeys(from, ['fieldRef', 'resourceFieldRef', 'configMapKeyRef', 'secretKeyRef']);
    if (kinds.length === 0)
      errs.push(
        fieldError.invalid(
          fromPath,
          '',
          'must specify one of: `fieldRef`, `resourceFieldRef`, `configMapKeyRef` or `secretKeyRef`',
        ),
      );
    if (kinds.length > 1)
      errs.push(fieldError.invalid(fromPath, '', 'may not have more than one field specified at a time'));
    if (from.fieldRef !== undefined) {
      const fr = obj(from.fieldRef);
      const fp = str(fr.fieldPath);
      const fpPath = `${fromPath}.fieldRef.fieldPath`;
      if (!fp) errs.push(fieldError.required(fpPath));
      else if (
        !fieldRefPaths.includes(fp) &&
        !/^metadata\.(labels|annotations)\['.+'\]$/.test(fp) &&
        fp !== 'metadata.labels' &&
        fp !== 'metadata.annotations'
      )
        errs.push(
          fieldError.notSupported(fpPath, fp, [
            'metadata.name',
            'metadata.namespace',
            'metadata.uid',
            'spec.nodeName',
            'spec.serviceAccountName',
            'status.hostIP',
            'status.hostIPs',
            'status.podIP',
            'status.podIPs',
          ]),
        );
    }
    if (from.resourceFieldRef !== undefined) {
      const rf = obj(from.resourceFieldRef);
      const r = str(rf.resource);
      const ok = [
        'limits.cpu',
        'limits.memory',
        'limits.ephemeral-storage',
        'requests.cpu',
        'requests.memory',
        'requests.ephemeral-storage',
      ];
      if (!r) errs.push(fieldError.required(`${fromPath}.resourceFieldRef.resource`));
      else if (!ok.includes(r) && !/^(limits|requests)\.hugepages-/.test(r))
        errs.push(fieldError.notSupported(`${fromPath}.resourceFieldRef.resource`, r, ok));
    }
    if (from.configMapKeyRef !== undefined)
      errs.push(...validateKeyRef(obj(from.configMapKeyRef), `${fromPath}.configMapKeyRef`));
    if (from.secretKeyRef !== undefined)
      errs.push(...validateKeyRef(obj(from.secretKeyRef), `${fromPath}.secretKeyRef`));
  });
  return errs;
}

function validateEnvFrom(envFrom: unknown, path: string): FieldError[] {
  const errs: FieldError[] = [];
  objects(envFrom).forEach((e, i) => {
    const at = `${path}[${i}]`;
    if (e.prefix !== undefined && str(e.prefix) !== '')
      errs.push(...nameErrors(str(e.prefix), `${at}.prefix`, isRelaxedEnvVarName));
    const kinds = setKeys(e, ['configMapRef', 'secretRef']);
    if (kinds.length === 0)
      errs.push(fieldError.invalid(at, '', 'must specify one of: `configMapRef` or `secretRef`'));
    if (kinds.length > 1)
      errs.push(fieldError.invalid(at, '', 'may not have more than one field specified at a time'));
    for (const k of kinds) {
      const name = str(obj(e[k]).name);
      if (!name) errs.push(fieldError.required(`${at}.${k}.name`));
      else errs.push(...nameErrors(name, `${at}.${k}.name`, isDNS1123Subdomain));
    }
  });
  return errs;
}

function validateMounts(c: Obj, path: string, volumes: Map<string, Obj>): FieldError[] {
  const errs: FieldError[] = [];
  const mountPaths = new Set<string>();
  objects(c.volumeMounts).forEach((m, i) => {
    const at = `${path}.volumeMounts[${i}]`;
    const name = str(m.name);
    if (!name) errs.push(fieldError.required(`${at}.name`));
    else if (!volumes.has(name)) errs.push(notFound(`${at}.name`, name));
    const mp = str(m.mountPath);
    if (!mp) errs.push(fieldError.required(`${at}.mountPath`));
    else if (mountPaths.has(mp)) errs.push(fieldError.invalid(`${at}.mountPath`, mp, 'must be unique'));
    mountPaths.add(mp);
    if (str(m.subPath)) errs.push(...validateLocalDescendingPath(str(m.subPath), `${at}.subPath`));
    if (str(m.subPath) && str(m.subPathExpr))
      errs.push(
        fieldError.invalid(
          `${at}.subPathExpr`,
          m.subPathExpr,
          'subPathExpr and subPath are mutually exclusive',
        ),
      );
    errs.push(
      ...oneOf(
        m.mountPropagation,
        `${at}.mountPropagation`,
        ['Bidirectional', 'HostToContainer', 'None'],
        false,
      ),
    );
    errs.push(
      ...oneOf(m.recursiveReadOnly, `${at}.recursiveReadOnly`, ['Disabled', 'IfPossible', 'Enabled'], false),
    );
  });
  const devicePaths = new Set<string>();
  objects(c.volumeDevices).forEach((d, i) => {
    const at = `${path}.volumeDevices[${i}]`;
    const name = str(d.name);
    if (!name) errs.push(fieldError.required(`${at}.name`));
    else if (!volumes.has(name)) errs.push(notFound(`${at}.name`, name));
    const dp = str(d.devicePath);
    if (!dp) errs.push(fieldError.required(`${at}.devicePath`));
    else if (devicePaths.has(dp)) errs.push(fieldError.invalid(`${at}.devicePath`, dp, 'must be unique'));
    else if (mountPaths.has(dp))
      errs.push(fieldError.invalid(`${at}.devicePath`, dp, 'must not be a mountPath'));
    devicePaths.add(dp);
  });
  return errs;
}

/** One handler of a probe or lifecycle hook: exactly one of the given kinds, each well formed. */
export function validateHandler(h: Obj, path: string, kinds: readonly string[]): FieldError[] {
  const errs: FieldError[] = [];
  const set = setKeys(h, kinds);
  if (set.length === 0) errs.push(fieldError.required(path, 'must specify a handler type'));
  for (const k of set.slice(1))
    errs.push(fieldError.forbidden(`${path}.${k}`, 'may not specify more than 1 handler type'));
  if (h.exec !== undefined && obj(h.exec).command === undefined)
    errs.push(fieldError.required(`${path}.exec.command`));
  if (h.httpGet !== undefined) {
    const g = obj(h.httpGet);
    errs.push(...validatePortNumOrName(g.port, `${path}.httpGet.port`));
    errs.push(...oneOf(g.scheme, `${path}.httpGet.scheme`, ['HTTP', 'HTTPS'], false));
    objects(g.httpHeaders).forEach((hd, i) => {
      if (!str(hd.name)) errs.push(fieldError.required(`${path}.httpGet.httpHeaders[${i}].name`));
    });
  }
  if (h.tcpSocket !== undefined)
    errs.push(...validatePortNumOrName(obj(h.tcpSocket).port, `${path}.tcpSocket.port`));
  if (h.grpc !== undefined) {
    const port = obj(h.grpc).port;
    errs.push(
      ...(typeof port === 'number'
        ? isValidPortNum(port).map((m) => fieldError.invalid(`${path}.grpc.port`, port, m))
        : [fieldError.required(`${path}.grpc.port`)]),
    );
  }
  if (h.sleep !== undefined) {
    const secs = obj(h.sleep).seconds;
    if (typeof secs !== 'number' || secs < 0)
      errs.push(fieldError.invalid(`${path}.sleep.seconds`, secs, 'must be greater than or equal to 0'));
  }
  return errs;
}

function validateProbe(p: unknown, path: string, liveOrStartup: boolean): FieldError[] {
  if (p === undefined || p === null) return [];
  const probe = obj(p);
  const errs = validateHandler(probe, path, ['exec', 'httpGet', 'tcpSocket', 'grpc']);
  for (const f of [
    'initialDelaySeconds',
    'timeoutSeconds',
    'periodSeconds',
    'successThreshold',
    'failureThreshold',
  ])
    errs.push(...nonNegative(probe[f], `${path}.${f}`));
  if (liveOrStartup && probe.successThreshold !== undefined && probe.successThreshold !== 1)
    errs.push(fieldError.invalid(`${path}.successThreshold`, probe.successThreshold, 'must be 1'));
  errs.push(...positive(probe.terminationGracePeriodSeconds, `${path}.terminationGracePeriodSeconds`));
  return errs;
}

function validateSecurityContext(sc: unknown, path: string): FieldError[] {
  if (sc === undefined || sc === null) return [];
  const c = obj(sc);
  const errs: FieldError[] = [];
  errs.push(...nonNegative(c.runAsUser, `${path}.runAsUser`));
  errs.push(...nonNegative(c.runAsGroup, `${path}.runAsGroup`));
  if (c.privileged === true && c.allowPrivilegeEscalation === false)
    errs.push(
      fieldError.invalid(path, '', 'cannot set `allowPrivilegeEscalation` to false and `privileged` to true'),
    );
  const caps = obj(c.capabilities);
  if (c.allowPrivilegeEscalation === false && Array.isArray(caps.add) && caps.add.includes('CAP_SYS_ADMIN'))
    errs.push(
      fieldError.invalid(
        path,
        '',
        'cannot set `allowPrivilegeEscalation` to false and `capabilities.Add` CAP_SYS_ADMIN',
      ),
    );
  errs.push(...oneOf(c.procMount, `${path}.procMount`, ['Default', 'Unmasked'], false));
  return errs;
}

/** Checks one container; `path` is its indexed path (e.g. `spec.containers[0]`). */
export function validateContainer(c: Obj, path: string, ctx: ContainerContext): FieldError[] {
  const errs: FieldError[] = [];
  if (!str(c.image)) errs.push(fieldError.required(`${path}.image`));
  else if (str(c.image).trim() !== str(c.image))
    errs.push(fieldError.invalid(`${path}.image`, c.image, 'must not have leading or trailing whitespace'));
  errs.push(...oneOf(c.imagePullPolicy, `${path}.imagePullPolicy`, ['Always', 'IfNotPresent', 'Never']));
  errs.push(
    ...oneOf(c.terminationMessagePolicy, `${path}.terminationMessagePolicy`, [
      'File',
      'FallbackToLogsOnError',
    ]),
  );
  errs.push(...validatePorts(c.ports, `${path}.ports`, ctx.hostNetwork));
  errs.push(...validateEnv(c.env, `${path}.env`));
  errs.push(...validateEnvFrom(c.envFrom, `${path}.envFrom`));
  errs.push(...validateMounts(c, path, ctx.volumes));
  errs.push(...validateSecurityContext(c.securityContext, `${path}.securityContext`));
  objects(c.resizePolicy).forEach((r, i) => {
    errs.push(...oneOf(r.resourceName, `${path}.resizePolicy[${i}].resourceName`, ['cpu', 'memory']));
    errs.push(
      ...oneOf(r.restartPolicy, `${path}.resizePolicy[${i}].restartPolicy`, [
        'NotRequired',
        'RestartContainer',
      ]),
    );
  });

  const sidecar = ctx.kind === 'init' && c.restartPolicy === 'Always';
  if (c.restartPolicy !== undefined) {
    if (ctx.kind === 'container')
      errs.push(fieldError.forbidden(`${path}.restartPolicy`, 'may not be set for non-init containers'));
    else if (ctx.kind === 'init') errs.push(...oneOf(c.restartPolicy, `${path}.restartPolicy`, ['Always']));
  }
  const probes = [
    ['livenessProbe', true],
    ['readinessProbe', false],
    ['startupProbe', true],
  ] as const;
  if (ctx.kind === 'ephemeral') {
    for (const f of [
      'ports',
      'livenessProbe',
      'readinessProbe',
      'startupProbe',
      'lifecycle',
      'resources',
      'resizePolicy',
    ])
      if (c[f] !== undefined && !(f === 'resources' && Object.keys(obj(c.resources)).length === 0))
        errs.push(fieldError.forbidden(`${path}.${f}`, 'cannot be set for an Ephemeral Container'));
  } else {
    for (const [f, strict] of probes) {
      if (ctx.kind === 'init' && !sidecar && c[f] !== undefined)
        errs.push(
          fieldError.forbidden(
            `${path}.${f}`,
            'may not be set for init containers without restartPolicy=Always',
          ),
        );
      else errs.push(...validateProbe(c[f], `${path}.${f}`, strict));
    }
    if (c.lifecycle !== undefined && c.lifecycle !== null) {
      if (ctx.kind === 'init' && !sidecar)
        errs.push(
          fieldError.forbidden(
            `${path}.lifecycle`,
            'may not be set for init containers without restartPolicy=Always',
          ),
        );
      else {
        const lc = obj(c.lifecycle);
        for (const hook of ['postStart', 'preStop'])
          if (lc[hook] !== undefined)
            errs.push(
              ...validateHandler(obj(lc[hook]), `${path}.lifecycle.${hook}`, [
                'exec',
                'httpGet',
                'tcpSocket',
                'sleep',
              ]),
            );
      }
    }
    errs.push(...validateResourceRequirements(c.resources, `${path}.resources`));
  }
  return errs;
}

/** True when `s` names a valid sysctl (dotted or slashed C-identifier-like segments). */
export function isValidSysctlName(s: string): boolean {
  return s.length <= 253 && /^([a-z0-9]([-_a-z0-9]*[a-z0-9])?[./])*[a-z0-9]([-_a-z0-9]*[a-z0-9])?$/.test(s);
}
