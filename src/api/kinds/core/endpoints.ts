/** core/v1 Endpoints: port protocols default to TCP, addresses and ports are checked, ENDPOINTS column. */
import { fieldError, type FieldError } from '../../errors.ts';
import type { KubeObject } from '../../object.ts';
import { isDNS1123Label, isValidIP, isValidPortNum } from '../../validation/names.ts';
import type { KindDef } from '../types.ts';
import { ageColumn, col, items, setDefault, str } from './util.ts';

/** Endpoints defaults: each port's protocol is TCP unless given. */
export function defaultEndpoints(o: KubeObject): void {
  for (const ss of items(o.subsets)) for (const p of items(ss.ports)) setDefault(p, 'protocol', 'TCP');
}

/** Endpoints checks: addresses are IPs, ports valid, port names unique and required when several. */
export function validateEndpoints(o: KubeObject): FieldError[] {
  const errs: FieldError[] = [];
  items(o.subsets).forEach((ss, i) => {
    const at = `subsets[${i}]`;
    for (const kind of ['addresses', 'notReadyAddresses'])
      items(ss[kind]).forEach((a, j) => {
        const ip = str(a.ip);
        if (!ip) errs.push(fieldError.required(`${at}.${kind}[${j}].ip`));
        else errs.push(...isValidIP(ip).map((m) => fieldError.invalid(`${at}.${kind}[${j}].ip`, ip, m)));
        if (a.hostname !== undefined && str(a.hostname))
          errs.push(
            ...isDNS1123Label(str(a.hostname)).map((m) =>
              fieldError.invalid(`${at}.${kind}[${j}].hostname`, a.hostname, m),
            ),
          );
      });
    const ports = items(ss.ports);
    const names = new Set<string>();
    ports.forEach((p, j) => {
      const pp = `${at}.ports[${j}]`;
      const name = str(p.name);
      if (ports.length > 1 && !name) errs.push(fieldError.required(`${pp}.name`));
      if (name) {
        errs.push(...isDNS1123Label(name).map((m) => fieldError.invalid(`${pp}.name`, name, m)));
        if (names.has(name)) errs.push(fieldError.duplicate(`${pp}.name`, name));
        names.add(name);
      }
      errs.push(
        ...isValidPortNum(Number(p.port)).map((m) => fieldError.invalid(`${pp}.port`, p.port ?? 0, m)),
      );
      const protocol = str(p.protocol);
      if (!['TCP', 'UDP', 'SCTP'].includes(protocol))
        errs.push(fieldError.notSupported(`${pp}.protocol`, protocol, ['SCTP', 'TCP', 'UDP']));
    });
  });
  return errs;
}

/** ENDPOINTS: up to three ip:port pairs, then "+ N more...". */
export function formatEndpoints(o: KubeObject): string {
  const subsets = items(o.subsets);
  if (subsets.length === 0) return '<none>';
  const max = 3;
  const list: string[] = [];
  let count = 0;
  let more = false;
  const add = (s: string): void => {
    if (list.length === max) more = true;
    else list.push(s);
  };
  for (const ss of subsets) {
    const addrs = items(ss.addresses);
    const ports = items(ss.ports);
    if (ports.length === 0) {
      count += addrs.length;
      for (const a of addrs) add(str(a.ip));
      continue;
    }
    for (const p of ports) {
      count += addrs.length;
      for (const a of addrs)
        add(str(a.ip).includes(':') ? `[${str(a.ip)}]:${String(p.port)}` : `${str(a.ip)}:${String(p.port)}`);
    }
  }
  return more ? `${list.join(',')} + ${count - max} more...` : list.join(',');
}

/** The `endpoints` resource of core/v1. */
export const endpointsKind: KindDef = {
  group: '',
  version: 'v1',
  kind: 'Endpoints',
  listKind: 'EndpointsList',
  resource: 'endpoints',
  singular: 'endpoints',
  namespaced: true,
  shortNames: ['ep'],
  schema: 'io.k8s.api.core.v1.Endpoints',
  strategy: { defaults: defaultEndpoints, validate: validateEndpoints },
  columns: [col('Endpoints', 'Addresses of the service endpoints.', formatEndpoints), ageColumn],
};
