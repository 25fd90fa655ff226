/**
 * How Services, ConfigMaps and Secrets show in lists: service ports and external addresses the way
 * kubectl prints them, sorted data keys, and Secret values decoded only when the user reveals one.
 */
import type { ConfigMap, Secret, Service } from '../api/workload-types.ts';

/** `80/TCP`, or `80:30080/TCP` with a node port, comma-separated. */
export function servicePorts(svc: Service): string {
  const ports = svc.spec?.ports ?? [];
  if (ports.length === 0) return '<none>';
  return ports.map((p) => `${p.port}${p.nodePort ? `:${p.nodePort}` : ''}/${p.protocol ?? 'TCP'}`).join(',');
}

/** External addresses: load-balancer ingress, external IPs, or the ExternalName; '<none>' otherwise. */
export function serviceExternal(svc: Service): string {
  if (svc.spec?.type === 'ExternalName') return svc.spec.externalName ?? '<none>';
  const lb = (svc.status?.loadBalancer?.ingress ?? []).map((i) => i.ip ?? i.hostname ?? '').filter(Boolean);
  const all = [...lb, ...(svc.spec?.externalIPs ?? [])];
  if (all.length > 0) return all.join(',');
  return svc.spec?.type === 'LoadBalancer' ? '<pending>' : '<none>';
}

/** `app=web,tier=fe`, or '-' without a selector. */
export function selectorText(sel: Record<string, string> | undefined): string {
  const parts = Object.entries(sel ?? {}).map(([k, v]) => `${k}=${v}`);
  return parts.length > 0 ? parts.join(',') : '-';
}

/** Sorted key names of a ConfigMap (data and binaryData) or a Secret. */
export function dataKeys(obj: ConfigMap | Secret): string[] {
  const bin = 'binaryData' in obj ? Object.keys((obj as ConfigMap).binaryData ?? {}) : [];
  return [...new Set([...Object.keys(obj.data ?? {}), ...bin])].sort();
}

/** A revealed Secret value: its text when it is UTF-8, and its size in bytes. */
export interface RevealedValue {
  text?: string;
  bytes: number;
}

/** Decodes one base64 Secret value; binary (non-UTF-8) values give only their size. */
export function decodeSecretValue(b64: string): RevealedValue {
  let raw: string;
  try {
    raw = atob(b64);
  } catch {
    return { bytes: 0 };
  }
  const bytes = Uint8Array.from(raw, (c) => c.charCodeAt(0));
  try {
    return { text: new TextDecoder('utf-8', { fatal: true }).decode(bytes), bytes: bytes.length };
  } catch {
    return { bytes: bytes.length };
  }
}
