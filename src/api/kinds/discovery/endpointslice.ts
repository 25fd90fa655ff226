/**
 * discovery.k8s.io/v1 EndpointSlice: part of the endpoints of a service (label
 * kubernetes.io/service-name names it), written by the endpoint slice controller. Address checks
 * follow the slice's addressType, which never changes.
 */
import { fieldError, type FieldError } from '../../errors.ts';
import type { KubeObject } from '../../object.ts';
import {
  isDNS1123Label,
  isDNS1123Subdomain,
  isIPv4,
  isIPv6,
  isQualifiedName,
} from '../../validation/names.ts';
import { nameErrors, obj, objects, str } from '../../validation/util.ts';
import type { KindDef } from '../types.ts';
import { ageColumn } from '../networking/kind-schema.ts';

const ADDRESS_TYPES = ['IPv4', 'IPv6', 'FQDN'];
const PROTOCOLS = ['TCP', 'UDP', 'SCTP'];
const MAX_ENDPOINTS = 1000;
const MAX_ADDRESSES = 100;
const MAX_PORTS = 20000;
const MAX_ZONE_HINTS = 8;

function validateAddress(type: string, address: string, path: string): FieldError[] {
  if (type === 'IPv4' && !isIPv4(address))
    return [fieldError.invalid(path, address, 'must be a valid IPv4 address')];
  if (type === 'IPv6' && !isIPv6(address))
    return [fieldError.invalid(path, address, 'must be a valid IPv6 address')];
  if (type === 'FQDN') return nameErrors(address, path, isDNS1123Subdomain);
  return [];
}

function validateEndpointSlice(o: KubeObject): FieldError[] {
  const errs: FieldError[] = [];
  const type = str(o.addressType);
  if (!type) errs.push(fieldError.required('addressType'));
  else if (!ADDRESS_TYPES.includes(type))
    errs.push(fieldError.notSupported('addressType', type, ADDRESS_TYPES));
  const endpoints = objects(o.endpoints);
  if (endpoints.length > MAX_ENDPOINTS)
    errs.push(fieldError.tooMany('endpoints', endpoints.length, MAX_ENDPOINTS));
  endpoints.forEach((ep, i) => {
    const p = `endpoints[${i}]`;
    const addresses = Array.isArray(ep.addresses) ? ep.addresses : [];
    if (addresses.length === 0)
      errs.push(fieldError.required(`${p}.addresses`, 'must contain at least 1 address'));
    else if (addresses.length > MAX_ADDRESSES)
      errs.push(fieldError.tooMany(`${p}.addresses`, addresses.length, MAX_ADDRESSES));
    addresses.forEach((a, j) => errs.push(...validateAddress(type, str(a), `${p}.addresses[${j}]`)));
    if (ep.hostname != null) errs.push(...nameErrors(str(ep.hostname), `${p}.hostname`, isDNS1123Label));
    if (ep.nodeName != null) errs.push(...nameErrors(str(ep.nodeName), `${p}.nodeName`, isDNS1123Subdomain));
    const zones = objects(obj(ep.hints).forZones);
    if (zones.length > MAX_ZONE_HINTS)
      errs.push(fieldError.tooMany(`${p}.hints.forZones`, zones.length, MAX_ZONE_HINTS));
    const seen = new Set<string>();
    zones.forEach((z, j) => {
      if (seen.has(str(z.name))) errs.push(fieldError.duplicate(`${p}.hints.forZones[${j}].name`, z.name));
      seen.add(str(z.name));
    });
  });
  const ports = objects(o.ports);
  if (ports.length > MAX_PORTS) errs.push(fieldError.tooMany('ports', ports.length, MAX_PORTS));
  const names = new Set<string>();
  ports.forEach((port, i) => {
    const p = `ports[${i}]`;
    const name = str(port.name);
    if (name) errs.push(...nameErrors(name, `${p}.name`, isDNS1123Label));
    if (names.has(name)) errs.push(fieldError.duplicate(`${p}.name`, name));
    names.add(name);
    if (port.protocol == null) errs.push(fieldError.required(`${p}.protocol`));
    else if (!PROTOCOLS.includes(str(port.protocol)))
      errs.push(fieldError.notSupported(`${p}.protocol`, port.protocol, PROTOCOLS));
    if (typeof port.port === 'number' && (port.port < 1 || port.port > 65535)) {
      errs.push(fieldError.invalid(`${p}.port`, port.port, 'must be between 1 and 65535, inclusive'));
    }
    if (port.appProtocol != null)
      errs.push(...nameErrors(str(port.appProtocol), `${p}.appProtocol`, isQualifiedName));
  });
  return errs;
}

/** Up to `max` items joined by commas, then "+ N more..."; "<unset>" for none. */
function listWithMore(items: string[], max = 3): string {
  if (items.length === 0) return '<unset>';
  const shown = items.slice(0, max).join(',');
  return items.length > max ? `${shown} + ${items.length - max} more...` : shown;
}

export const endpointSlice: KindDef = {
  group: 'discovery.k8s.io',
  version: 'v1',
  kind: 'EndpointSlice',
  listKind: 'EndpointSliceList',
  resource: 'endpointslices',
  singular: 'endpointslice',
  namespaced: true,
  schema: 'io.k8s.api.discovery.v1.EndpointSlice',
  strategy: {
    defaults(o) {
      for (const port of objects(o.ports)) {
        port.name ??= '';
        port.protocol ??= 'TCP';
      }
    },
    validate: validateEndpointSlice,
    validateUpdate: (o, old) =>
      str(o.addressType) === str(old.addressType)
        ? []
        : [fieldError.invalid('addressType', o.addressType ?? null, 'field is immutable')],
  },
  columns: [
    {
      name: 'AddressType',
      type: 'string',
      description: 'Kind of addresses in the slice.',
      priority: 0,
      cell: (o) => str(o.addressType),
    },
    {
      name: 'Ports',
      type: 'string',
      description: 'Ports of the endpoints.',
      priority: 0,
      cell: (o) =>
        listWithMore(
          objects(o.ports).map((p) => (typeof p.port === 'number' ? String(p.port) : str(p.name) || '*')),
        ),
    },
    {
      name: 'Endpoints',
      type: 'string',
      description: 'Addresses of the endpoints.',
      priority: 0,
      cell: (o) =>
        listWithMore(
          objects(o.endpoints).flatMap((e) => (Array.isArray(e.addresses) ? e.addresses.map(String) : [])),
        ),
    },
    ageColumn,
  ],
};
