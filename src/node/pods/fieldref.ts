/**
 * The downward API: a pod field by its fieldPath, as env values (fieldRef) and volume files
 * (downwardAPI items) see it. Labels and annotations as a whole are `key="value"` lines, sorted.
 */
import type { RPod } from './types.ts';

/** What the pod's fields resolve against besides the pod itself. */
export interface FieldContext {
  podIP?: string;
  podIPs?: string[];
  hostIP?: string;
}

/** The value of `fieldPath` for `pod`; throws for a path the downward API does not offer. */
export function podFieldValue(pod: RPod, fieldPath: string, ctx: FieldContext): string {
  const m = pod.metadata;
  const sub = /^metadata\.(labels|annotations)\['(.*)'\]$/.exec(fieldPath);
  if (sub) {
    const map = (sub[1] === 'labels' ? m.labels : m.annotations) ?? {};
    return map[sub[2]] ?? '';
  }
  switch (fieldPath) {
    case 'metadata.name':
      return m.name ?? '';
    case 'metadata.namespace':
      return m.namespace ?? '';
    case 'metadata.uid':
      return m.uid ?? '';
    case 'metadata.labels':
      return formatMap(m.labels ?? {});
    case 'metadata.annotations':
      return formatMap(m.annotations ?? {});
    case 'spec.nodeName':
      return pod.spec?.nodeName ?? '';
    case 'spec.serviceAccountName':
      return pod.spec?.serviceAccountName ?? '';
    case 'status.hostIP':
      return ctx.hostIP ?? '';
    case 'status.hostIPs':
      return ctx.hostIP ?? '';
    case 'status.podIP':
      return ctx.podIP ?? '';
    case 'status.podIPs':
      return (ctx.podIPs ?? (ctx.podIP ? [ctx.podIP] : [])).join(',');
    default:
      throw new Error(`unsupported fieldPath ${JSON.stringify(fieldPath)}`);
  }
}

/** `key="value"` lines, sorted by key, values escaped as Go's %q would. */
export function formatMap(map: Readonly<Record<string, string>>): string {
  return Object.keys(map)
    .sort()
    .map((k) => `${k}=${JSON.stringify(map[k])}`)
    .join('\n');
}
