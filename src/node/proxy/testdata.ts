/** Builders of proxy model values for the unit tests (short, explicit defaults). */
import type { ProxyEndpoint, ProxyState, ServicePortInfo } from './types.ts';

/** An endpoint on port 8080: ready and local unless told. */
export function ep(ip: string, o: Partial<ProxyEndpoint> = {}): ProxyEndpoint {
  return { ip, port: 8080, local: true, ready: true, servingTerminating: false, ...o };
}

/** A ClusterIP service port default/web:80/TCP at 10.96.0.10 with the given overrides. */
export function port(o: Partial<ServicePortInfo> = {}): ServicePortInfo {
  const base: ServicePortInfo = {
    id: 'default/web/tcp/http',
    namespace: 'default',
    name: 'web',
    portName: 'http',
    protocol: 'TCP',
    port: 80,
    clusterIP: '10.96.0.10',
    externalIPs: [],
    loadBalancerIPs: [],
    loadBalancerSourceRanges: [],
    affinitySeconds: 0,
    externalLocal: false,
    internalLocal: false,
    endpoints: [ep('10.244.1.10'), ep('10.244.2.11', { local: false })],
  };
  return { ...base, ...o };
}

/** A state around `services` with the usual node settings. */
export function state(
  services: ServicePortInfo[],
  settings: Partial<ProxyState['settings']> = {},
): ProxyState {
  return {
    settings: {
      table: 'berth',
      clusterCIDR: '10.244.0.0/16',
      serviceCIDR: '10.96.0.0/12',
      lbPool: '172.31.0.0/24',
      nodeIPs: ['192.168.77.1'],
      ...settings,
    },
    services,
  };
}
