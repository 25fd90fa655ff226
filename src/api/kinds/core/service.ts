/**
 * core/v1 Service: defaults (type ClusterIP, sessionAffinity None, traffic policies, port protocol
 * and targetPort, one IPv4 family), the rules that tie ports, node ports, cluster IPs and traffic
 * policies to the service type, clusterIP immutability, and kubectl's service table.
 */
import { fieldError, type FieldError } from '../../errors.ts';
import type { KubeObject } from '../../object.ts';
import { validateLabels } from '../../validation/meta.ts';
import {
  isDNS1035Label,
  isDNS1123Label,
  isDNS1123Subdomain,
  isIPv6,
  isValidIP,
  isValidPortName,
  isValidPortNum,
} from '../../validation/names.ts';
import type { KindDef } from '../types.ts';
import {
  ageColumn,
  child,
  col,
  formatLabels,
  items,
  setDefault,
  specOf,
  statusOf,
  str,
  stricterName,
  type Obj,
} from './util.ts';

const types = ['ClusterIP', 'ExternalName', 'LoadBalancer', 'NodePort'];
const withNodePorts = (t: string): boolean => t === 'NodePort' || t === 'LoadBalancer';

/** Service defaults as Kubernetes applies them (SetDefaults_Service plus the single-stack family choice). */
export function defaultService(o: KubeObject): void {
  const spec = child(o, 'spec');
  setDefault(spec, 'type', 'ClusterIP');
  setDefault(spec, 'sessionAffinity', 'None');
  const type = str(spec.type);
  for (const p of items(spec.ports)) {
    setDefault(p, 'protocol', 'TCP');
    if (p.targetPort === undefined || p.targetPort === 0 || p.targetPort === '') p.targetPort = p.port;
  }
  if (spec.sessionAffinity === 'ClientIP') {
    const cfg = child(spec, 'sessionAffinityConfig');
    setDefault(child(cfg, 'clientIP'), 'timeoutSeconds', 10800);
  }
  if (withNodePorts(type)) setDefault(spec, 'externalTrafficPolicy', 'Cluster');
  if (type !== 'ExternalName') {
    setDefault(spec, 'internalTrafficPolicy', 'Cluster');
    const ip = str(spec.clusterIP);
    setDefault(spec, 'ipFamilyPolicy', 'SingleStack');
    if (!Array.isArray(spec.ipFamilies) || spec.ipFamilies.length === 0)
      spec.ipFamilies = [isIPv6(ip) ? 'IPv6' : 'IPv4'];
  }
  if (type === 'LoadBalancer' && typeof spec.allocateLoadBalancerNodePorts !== 'boolean')
    spec.allocateLoadBalancerNodePorts = true;
}

function validatePorts(spec: Obj, type: string): FieldError[] {
  const errs: FieldError[] = [];
  const ports = items(spec.ports);
  const names = new Set<string>();
  const seen = new Set<string>();
  const nodePorts = new Set<string>();
  ports.forEach((p, i) => {
    const at = `spec.ports[${i}]`;
    const name = str(p.name);
    if (ports.length > 1 && !name) errs.push(fieldError.required(`${at}.name`));
    if (name) {
      errs.push(...isDNS1123Label(name).map((m) => fieldError.invalid(`${at}.name`, name, m)));
      if (names.has(name)) errs.push(fieldError.duplicate(`${at}.name`, name));
      names.add(name);
    }
    errs.push(...isValidPortNum(Number(p.port)).map((m) => fieldError.invalid(`${at}.port`, p.port ?? 0, m)));
    const protocol = str(p.protocol);
    if (!['TCP', 'UDP', 'SCTP'].includes(protocol))
      errs.push(fieldError.notSupported(`${at}.protocol`, protocol, ['SCTP', 'TCP', 'UDP']));
    const tp = p.targetPort;
    if (typeof tp === 'number')
      errs.push(...isValidPortNum(tp).map((m) => fieldError.invalid(`${at}.targetPort`, tp, m)));
    else if (typeof tp === 'string')
      errs.push(...isValidPortName(tp).map((m) => fieldError.invalid(`${at}.targetPort`, tp, m)));
    const key = `${String(p.port)}/${protocol}`;
    if (seen.has(key)) errs.push(fieldError.duplicate(at, { port: p.port, protocol }));
    seen.add(key);
    const np = p.nodePort;
    if (typeof np === 'number' && np !== 0) {
      if (type === 'ClusterIP')
        errs.push(fieldError.forbidden(`${at}.nodePort`, "may not be used when `type` is 'ClusterIP'"));
      else if (type === 'ExternalName')
        errs.push(fieldError.forbidden(`${at}.nodePort`, "may not be used when `type` is 'ExternalName'"));
      errs.push(...isValidPortNum(np).map((m) => fieldError.invalid(`${at}.nodePort`, np, m)));
      const nk = `${np}/${protocol}`;
      if (nodePorts.has(nk)) errs.push(fieldError.duplicate(`${at}.nodePort`, np));
      nodePorts.add(nk);
    }
  });
  return errs;
}

function validateClusterIPs(spec: Obj, type: string): FieldError[] {
  const errs: FieldError[] = [];
  const ip = str(spec.clusterIP);
  const ips = Array.isArray(spec.clusterIPs) ? spec.clusterIPs.map(String) : ip ? [ip] : [];
  if (type === 'ExternalName') {
    if (ips.length)
      errs.push(fieldError.forbidden('spec.clusterIPs', 'may not be set for ExternalName services'));
    return errs;
  }
  if (ip && ips.length && ips[0] !== ip)
    errs.push(fieldError.invalid('spec.clusterIPs', ips, 'first value must match `clusterIP`'));
  ips.forEach((v, i) => {
    if (v === 'None') {
      if (i > 0 || ips.length > 1)
        errs.push(
          fieldError.invalid(
            `spec.clusterIPs[${i}]`,
            v,
            'must not have multiple values if the first is "None"',
          ),
        );
      if (withNodePorts(type))
        errs.push(
          fieldError.invalid(`spec.clusterIPs[${i}]`, v, `may not be set to 'None' for ${type} services`),
        );
      return;
    }
    errs.push(...isValidIP(v).map((m) => fieldError.invalid(`spec.clusterIPs[${i}]`, v, m)));
  });
  if (ips.length > 2) errs.push(fieldError.invalid('spec.clusterIPs', ips, 'may only hold up to 2 values'));
  return errs;
}

/** Semantic checks of a service (Kubernetes' ValidateService, the commonly hit rules). */
export function validateService(o: KubeObject): FieldError[] {
  const spec = specOf(o);
  const errs = stricterName(o, isDNS1035Label);
  const type = str(spec.type);
  if (!types.includes(type)) errs.push(fieldError.notSupported('spec.type', type, types));
  if (type === 'ExternalName') {
    const ext = str(spec.externalName);
    if (!ext) errs.push(fieldError.required('spec.externalName'));
    else
      errs.push(
        ...isDNS1123Subdomain(ext.replace(/\.$/, '')).map((m) =>
          fieldError.invalid('spec.externalName', ext, m),
        ),
      );
  } else if (items(spec.ports).length === 0 && spec.clusterIP !== 'None') {
    errs.push(fieldError.required('spec.ports'));
  }
  errs.push(...validatePorts(spec, type));
  errs.push(...validateClusterIPs(spec, type));
  errs.push(...validateLabels(spec.selector as Record<string, string> | undefined, 'spec.selector'));
  const affinity = str(spec.sessionAffinity);
  if (!['None', 'ClientIP'].includes(affinity))
    errs.push(fieldError.notSupported('spec.sessionAffinity', affinity, ['ClientIP', 'None']));
  if (affinity === 'ClientIP') {
    const t = (spec.sessionAffinityConfig as Obj | undefined)?.clientIP as Obj | undefined;
    const secs = t?.timeoutSeconds;
    if (typeof secs !== 'number' || secs <= 0 || secs > 86400)
      errs.push(
        fieldError.invalid(
          'spec.sessionAffinityConfig.clientIP.timeoutSeconds',
          secs ?? 0,
          'must be greater than 0 and less than 86400',
        ),
      );
  } else if (
    affinity === 'None' &&
    spec.sessionAffinityConfig !== undefined &&
    spec.sessionAffinityConfig !== null
  ) {
    errs.push(
      fieldError.invalid(
        'spec.sessionAffinityConfig',
        spec.sessionAffinityConfig,
        'must not be set when session affinity is None',
      ),
    );
  }
  (Array.isArray(spec.externalIPs) ? spec.externalIPs : []).forEach((ip, i) =>
    errs.push(...isValidIP(String(ip)).map((m) => fieldError.invalid(`spec.externalIPs[${i}]`, ip, m))),
  );
  const etp = str(spec.externalTrafficPolicy);
  if (etp && !withNodePorts(type))
    errs.push(
      fieldError.invalid(
        'spec.externalTrafficPolicy',
        etp,
        "may only be set when `type` is 'NodePort' or 'LoadBalancer'",
      ),
    );
  else if (etp && !['Cluster', 'Local'].includes(etp))
    errs.push(fieldError.notSupported('spec.externalTrafficPolicy', etp, ['Cluster', 'Local']));
  else if (!etp && withNodePorts(type)) errs.push(fieldError.required('spec.externalTrafficPolicy'));
  const itp = str(spec.internalTrafficPolicy);
  if (type !== 'ExternalName') {
    if (!itp) errs.push(fieldError.required('spec.internalTrafficPolicy'));
    else if (!['Cluster', 'Local'].includes(itp))
      errs.push(fieldError.notSupported('spec.internalTrafficPolicy', itp, ['Cluster', 'Local']));
  }
  if (
    typeof spec.healthCheckNodePort === 'number' &&
    spec.healthCheckNodePort !== 0 &&
    !(type === 'LoadBalancer' && etp === 'Local')
  )
    errs.push(
      fieldError.invalid(
        'spec.healthCheckNodePort',
        spec.healthCheckNodePort,
        "may only be set when `type` is 'LoadBalancer' and `externalTrafficPolicy` is 'Local'",
      ),
    );
  if (type !== 'LoadBalancer') {
    for (const f of ['loadBalancerSourceRanges', 'allocateLoadBalancerNodePorts', 'loadBalancerClass'])
      if (
        spec[f] !== undefined &&
        spec[f] !== null &&
        !(Array.isArray(spec[f]) && (spec[f] as unknown[]).length === 0)
      )
        errs.push(fieldError.forbidden(`spec.${f}`, "may only be used when `type` is 'LoadBalancer'"));
  }
  const policy = str(spec.ipFamilyPolicy);
  if (policy && !['SingleStack', 'PreferDualStack', 'RequireDualStack'].includes(policy))
    errs.push(
      fieldError.notSupported('spec.ipFamilyPolicy', policy, [
        'PreferDualStack',
        'RequireDualStack',
        'SingleStack',
      ]),
    );
  const families = Array.isArray(spec.ipFamilies) ? spec.ipFamilies.map(String) : [];
  families.forEach((f, i) => {
    if (f !== 'IPv4' && f !== 'IPv6')
      errs.push(fieldError.notSupported(`spec.ipFamilies[${i}]`, f, ['IPv4', 'IPv6']));
    if (families.indexOf(f) !== i) errs.push(fieldError.duplicate(`spec.ipFamilies[${i}]`, f));
  });
  if (policy === 'SingleStack' && families.length > 1)
    errs.push(
      fieldError.invalid(
        'spec.ipFamilies',
        families,
        'when spec.ipFamilyPolicy is SingleStack, may only hold up to 1 value',
      ),
    );
  return errs;
}

/**
 * Keeps what the API server allocated when an update leaves it out (clusterIP(s), node ports,
 * health check port), so `kubectl replace` and apply of a manifest without them work.
 */
export function prepareForUpdateService(o: KubeObject, old: KubeObject): void {
  const spec = child(o, 'spec');
  const prev = specOf(old);
  const type = str(spec.type);
  if (type !== 'ExternalName' && str(prev.type) !== 'ExternalName') {
    if (!str(spec.clusterIP) && str(prev.clusterIP)) spec.clusterIP = prev.clusterIP;
    if ((!Array.isArray(spec.clusterIPs) || spec.clusterIPs.length === 0) && Array.isArray(prev.clusterIPs))
      spec.clusterIPs = prev.clusterIPs;
  }
  if (withNodePorts(type)) {
    const oldPorts = items(prev.ports);
    for (const p of items(spec.ports)) {
      if (typeof p.nodePort === 'number' && p.nodePort !== 0) continue;
      const match = oldPorts.find(
        (q) => q.port === p.port && (q.protocol ?? 'TCP') === (p.protocol ?? 'TCP'),
      );
      if (match && typeof match.nodePort === 'number') p.nodePort = match.nodePort;
    }
    if (
      spec.healthCheckNodePort === undefined &&
      prev.healthCheckNodePort !== undefined &&
      spec.externalTrafficPolicy === 'Local'
    )
      spec.healthCheckNodePort = prev.healthCheckNodePort;
  } else if (withNodePorts(str(prev.type))) {
    // Leaving NodePort/LoadBalancer: drop what only those types use, when the client left it as it was
    // (what a patch of just `type` does), as Kubernetes' dropTypeDependentFields does.
    const oldNodePorts = new Set(items(prev.ports).map((q) => q.nodePort));
    for (const p of items(spec.ports))
      if (p.nodePort !== undefined && oldNodePorts.has(p.nodePort)) delete p.nodePort;
    for (const f of [
      'healthCheckNodePort',
      'externalTrafficPolicy',
      'allocateLoadBalancerNodePorts',
      'loadBalancerClass',
    ]) {
      if (spec[f] !== undefined && JSON.stringify(spec[f]) === JSON.stringify(prev[f])) delete spec[f];
    }
  }
}

/** clusterIP (and the primary of clusterIPs) may not change once set, except when leaving for ExternalName. */
export function validateServiceUpdate(o: KubeObject, old: KubeObject): FieldError[] {
  const spec = specOf(o);
  const prev = specOf(old);
  if (str(spec.type) === 'ExternalName') return [];
  const was = str(prev.clusterIP);
  if (was && str(spec.clusterIP) !== was)
    return [fieldError.invalid('spec.clusterIPs[0]', spec.clusterIP ?? '', 'may not change once set')];
  return [];
}

function loadBalancerIPs(o: KubeObject, wide: boolean): string {
  const ingress = items((statusOf(o).loadBalancer as Obj | undefined)?.ingress);
  const r = ingress
    .map((i) => str(i.ip) || str(i.hostname))
    .filter(Boolean)
    .join(',');
  return !wide && r.length > 16 ? `${r.slice(0, 13)}...` : r;
}

/** EXTERNAL-IP as kubectl shows it for each service type. */
export function serviceExternalIP(o: KubeObject): string {
  const spec = specOf(o);
  const external = Array.isArray(spec.externalIPs) ? spec.externalIPs.map(String) : [];
  switch (str(spec.type)) {
    case 'ClusterIP':
    case 'NodePort':
      return external.length ? external.join(',') : '<none>';
    case 'LoadBalancer': {
      const lb = loadBalancerIPs(o, false);
      if (external.length) return [...(lb ? lb.split(',') : []), ...external].join(',');
      return lb || '<pending>';
    }
    case 'ExternalName':
      return str(spec.externalName);
    default:
      return '<unknown>';
  }
}

/** PORT(S): "80/TCP" or "80:30080/TCP", comma-separated. */
export function servicePorts(o: KubeObject): string {
  const s = items(specOf(o).ports)
    .map((p) =>
      typeof p.nodePort === 'number' && p.nodePort > 0
        ? `${String(p.port)}:${p.nodePort}/${str(p.protocol)}`
        : `${String(p.port)}/${str(p.protocol)}`,
    )
    .join(',');
  return s || '<none>';
}

/** The `services` resource of core/v1. */
export const serviceKind: KindDef = {
  group: '',
  version: 'v1',
  kind: 'Service',
  listKind: 'ServiceList',
  resource: 'services',
  singular: 'service',
  namespaced: true,
  shortNames: ['svc'],
  categories: ['all'],
  schema: 'io.k8s.api.core.v1.Service',
  hasStatus: true,
  strategy: {
    defaults: defaultService,
    validate: validateService,
    prepareForUpdate: prepareForUpdateService,
    validateUpdate: validateServiceUpdate,
  },
  columns: [
    col('Type', 'Type of the service.', (o) => str(specOf(o).type)),
    col('Cluster-IP', 'Virtual IP inside the cluster.', (o) => {
      const ips = specOf(o).clusterIPs;
      return (Array.isArray(ips) && ips.length ? String(ips[0]) : str(specOf(o).clusterIP)) || '<none>';
    }),
    col('External-IP', 'IPs the service is reachable on from outside.', serviceExternalIP),
    col('Port(s)', 'Ports of the service.', servicePorts),
    ageColumn,
    col('Selector', 'Labels of the pods behind the service.', (o) => formatLabels(specOf(o).selector), 1),
  ],
};
