/**
 * networking.k8s.io/v1 NetworkPolicy: which traffic may reach and leave a set of pods. Defaults
 * and checks follow Kubernetes (protocol TCP, policyTypes from the rules present, one kind of peer
 * with ipBlock, port ranges, CIDR exceptions inside the block).
 */
import { fieldError, type FieldError } from '../../errors.ts';
import type { KubeObject } from '../../object.ts';
import { isValidPortName, isValidPortNum } from '../../validation/names.ts';
import { nameErrors, obj, objects, str, type Obj } from '../../validation/util.ts';
import type { KindDef } from '../types.ts';
import { isStrictSubset, parseCidr } from './cidr.ts';
import { ageColumn } from './kind-schema.ts';
import { formatLabelSelector, validateLabelSelector } from './label-selector.ts';

const PROTOCOLS = ['SCTP', 'TCP', 'UDP'];
const POLICY_TYPES = ['Egress', 'Ingress'];

function defaultNetworkPolicy(o: KubeObject): void {
  const spec = o.spec;
  if (!spec || typeof spec !== 'object' || Array.isArray(spec)) return;
  const sp = spec as Obj;
  for (const dir of ['ingress', 'egress']) {
    for (const rule of objects(sp[dir])) {
      for (const port of objects(rule.ports)) if (port.protocol == null) port.protocol = 'TCP';
    }
  }
  if (!Array.isArray(sp.policyTypes) || sp.policyTypes.length === 0) {
    sp.policyTypes = objects(sp.egress).length > 0 ? ['Ingress', 'Egress'] : ['Ingress'];
  }
}

function validatePort(port: Obj, path: string): FieldError[] {
  const errs: FieldError[] = [];
  if (port.protocol != null && !PROTOCOLS.includes(str(port.protocol))) {
    errs.push(fieldError.notSupported(`${path}.protocol`, port.protocol, PROTOCOLS));
  }
  if (typeof port.port === 'number') {
    for (const m of isValidPortNum(port.port)) errs.push(fieldError.invalid(`${path}.port`, port.port, m));
  } else if (typeof port.port === 'string') {
    errs.push(...nameErrors(port.port, `${path}.port`, isValidPortName));
  }
  if (typeof port.endPort === 'number') {
    if (port.port == null) errs.push(fieldError.required(`${path}.port`, 'when endPort is specified'));
    else if (typeof port.port === 'string') {
      errs.push(
        fieldError.invalid(
          `${path}.endPort`,
          port.endPort,
          'may not be specified when `port` is non-numeric',
        ),
      );
    } else if (typeof port.port === 'number' && port.endPort < port.port) {
      errs.push(
        fieldError.invalid(`${path}.endPort`, port.endPort, 'must be greater than or equal to `port`'),
      );
    }
    for (const m of isValidPortNum(port.endPort))
      errs.push(fieldError.invalid(`${path}.endPort`, port.endPort, m));
  }
  return errs;
}

function validateIPBlock(block: Obj, path: string): FieldError[] {
  const cidrText = str(block.cidr);
  if (!cidrText) return [fieldError.required(`${path}.cidr`)];
  const cidr = parseCidr(cidrText);
  if (!cidr)
    return [
      fieldError.invalid(
        `${path}.cidr`,
        cidrText,
        'must be a valid CIDR value, (e.g. 10.9.8.0/24 or 2001:db8::/64)',
      ),
    ];
  const errs: FieldError[] = [];
  (Array.isArray(block.except) ? block.except : []).forEach((ex, i) => {
    const p = `${path}.except[${i}]`;
    const exCidr = parseCidr(str(ex));
    if (!exCidr)
      errs.push(fieldError.invalid(p, ex, 'must be a valid CIDR value, (e.g. 10.9.8.0/24 or 2001:db8::/64)'));
    else if (!isStrictSubset(exCidr, cidr))
      errs.push(fieldError.invalid(p, ex, 'must be a strict subset of `cidr`'));
  });
  return errs;
}

function validatePeer(peer: Obj, path: string): FieldError[] {
  const count = ['podSelector', 'namespaceSelector', 'ipBlock'].filter((k) => peer[k] != null).length;
  if (count === 0) return [fieldError.required(path, 'must specify a peer')];
  if (count > 1 && peer.ipBlock != null)
    return [fieldError.forbidden(path, 'may not specify both ipBlock and another peer')];
  const errs: FieldError[] = [];
  if (peer.podSelector != null) errs.push(...validateLabelSelector(peer.podSelector, `${path}.podSelector`));
  if (peer.namespaceSelector != null)
    errs.push(...validateLabelSelector(peer.namespaceSelector, `${path}.namespaceSelector`));
  if (peer.ipBlock != null) errs.push(...validateIPBlock(obj(peer.ipBlock), `${path}.ipBlock`));
  return errs;
}

function validateNetworkPolicy(o: KubeObject): FieldError[] {
  const spec = obj(o.spec);
  const errs = validateLabelSelector(spec.podSelector, 'spec.podSelector');
  for (const [dir, peers] of [
    ['ingress', 'from'],
    ['egress', 'to'],
  ] as const) {
    objects(spec[dir]).forEach((rule, i) => {
      const path = `spec.${dir}[${i}]`;
      objects(rule.ports).forEach((p, j) => errs.push(...validatePort(p, `${path}.ports[${j}]`)));
      objects(rule[peers]).forEach((p, j) => errs.push(...validatePeer(p, `${path}.${peers}[${j}]`)));
    });
  }
  const types = Array.isArray(spec.policyTypes) ? spec.policyTypes : [];
  types.forEach((t, i) => {
    if (!POLICY_TYPES.includes(str(t)))
      errs.push(fieldError.notSupported(`spec.policyTypes[${i}]`, t, POLICY_TYPES));
  });
  if (types.length > 2)
    errs.push(fieldError.forbidden('spec.policyTypes', 'may not specify more than two policyTypes'));
  return errs;
}

export const networkPolicy: KindDef = {
  group: 'networking.k8s.io',
  version: 'v1',
  kind: 'NetworkPolicy',
  listKind: 'NetworkPolicyList',
  resource: 'networkpolicies',
  singular: 'networkpolicy',
  namespaced: true,
  shortNames: ['netpol'],
  schema: 'io.k8s.api.networking.v1.NetworkPolicy',
  strategy: {
    defaults: defaultNetworkPolicy,
    validate: validateNetworkPolicy,
  },
  columns: [
    {
      name: 'Pod-Selector',
      type: 'string',
      description: 'Pods the policy applies to.',
      priority: 0,
      cell: (o) => formatLabelSelector(obj(o.spec).podSelector),
    },
    ageColumn,
  ],
};
