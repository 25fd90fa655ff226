/**
 * The Services page's create-by-form: the form's values and the Service they make. Ports are
 * named `tcp-80` when left unnamed (the API requires names once there are several), a target port
 * is a number or a container port's name (empty: the same as the port), and a node port is sent
 * only for NodePort and LoadBalancer Services.
 */
import type { KubeObject } from '../api/types.ts';
import { keyValueMap, type KeyValue } from './workload-form.ts';

export const serviceTypes = ['ClusterIP', 'NodePort', 'LoadBalancer'] as const;
export type ServiceType = (typeof serviceTypes)[number];

export interface ServicePortForm {
  name?: string;
  port?: number;
  /** A number, or the name of a container port; empty means the port itself. */
  targetPort?: string;
  protocol?: 'TCP' | 'UDP';
  nodePort?: number;
}

export interface ServiceCreateForm {
  name?: string;
  namespace?: string;
  type?: ServiceType;
  selector?: KeyValue[];
  ports?: ServicePortForm[];
}

/** A new form: ClusterIP, one empty port row. */
export function emptyServiceForm(namespace = 'default'): ServiceCreateForm {
  return {
    name: '',
    namespace,
    type: 'ClusterIP',
    selector: [{ key: 'app', value: '' }],
    ports: [{ protocol: 'TCP' }],
  };
}

/** `8080` as a number, `http` as a name, '' as undefined. */
export function targetPortValue(text: string | undefined): number | string | undefined {
  const s = (text ?? '').trim();
  if (s === '') return undefined;
  return /^\d+$/.test(s) ? Number(s) : s;
}

/** The Service the form describes; rows without a port are skipped. */
export function serviceFromForm(f: ServiceCreateForm): KubeObject {
  const type = f.type ?? 'ClusterIP';
  const ports = (f.ports ?? [])
    .filter((p) => p.port !== undefined && p.port !== null)
    .map((p) => {
      const protocol = p.protocol ?? 'TCP';
      const port = p.port as number;
      const out: Record<string, unknown> = {
        name: (p.name ?? '').trim() || `${protocol.toLowerCase()}-${port}`,
        port,
        targetPort: targetPortValue(p.targetPort) ?? port,
        protocol,
      };
      if (type !== 'ClusterIP' && p.nodePort) out.nodePort = p.nodePort;
      return out;
    });
  const selector = keyValueMap(f.selector);
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: (f.name ?? '').trim(), namespace: (f.namespace ?? '').trim() || 'default' },
    spec: { type, ...(selector ? { selector } : {}), ports },
  };
}
