/**
 * What the Ingresses list shows: the class, the hosts, the backends each rule sends to, and the
 * load balancer's addresses. Pure, so the page only lays them out.
 */
import type { KubeObject } from '../api/types.ts';

interface Backend {
  service?: { name?: string; port?: { number?: number; name?: string } };
  resource?: { kind?: string; name?: string };
}

export interface Ingress extends KubeObject {
  spec?: {
    ingressClassName?: string;
    defaultBackend?: Backend;
    tls?: { hosts?: string[]; secretName?: string }[];
    rules?: { host?: string; http?: { paths?: { path?: string; pathType?: string; backend?: Backend }[] } }[];
  };
  status?: { loadBalancer?: { ingress?: { ip?: string; hostname?: string }[] } };
}

/** The hosts the rules name, `*` for a rule without a host; '-' without rules. */
export function ingressHosts(ing: Ingress): string {
  const hosts = (ing.spec?.rules ?? []).map((r) => r.host || '*');
  return [...new Set(hosts)].join(', ') || '-';
}

function backendText(b: Backend | undefined): string {
  if (b?.service?.name) return `${b.service.name}:${b.service.port?.number ?? b.service.port?.name ?? ''}`;
  if (b?.resource?.name) return `${b.resource.kind ?? ''}/${b.resource.name}`;
  return '?';
}

/** Every routing rule as `host/path → service:port`, the default backend as `* → service:port`. */
export function ingressRules(ing: Ingress): string[] {
  const out: string[] = [];
  for (const r of ing.spec?.rules ?? [])
    for (const p of r.http?.paths ?? [])
      out.push(`${r.host || '*'}${p.path ?? '/'} → ${backendText(p.backend)}`);
  if (ing.spec?.defaultBackend) out.push(`* → ${backendText(ing.spec.defaultBackend)}`);
  return out;
}

/** One path of one rule, as the detail page's table shows it. */
export interface IngressPathRow {
  key: string;
  host: string;
  path: string;
  pathType: string;
  /** The backend Service's name, when the backend is a Service. */
  service?: string;
  backend: string;
}

/** Every path of every rule, in order, then the default backend (host and path `*`). */
export function ingressPathRows(ing: Ingress): IngressPathRow[] {
  const rows: IngressPathRow[] = [];
  (ing.spec?.rules ?? []).forEach((r, i) =>
    (r.http?.paths ?? []).forEach((p, j) =>
      rows.push({
        key: `${i}/${j}`,
        host: r.host || '*',
        path: p.path ?? '/',
        pathType: p.pathType ?? '-',
        service: p.backend?.service?.name,
        backend: backendText(p.backend),
      }),
    ),
  );
  const d = ing.spec?.defaultBackend;
  if (d)
    rows.push({
      key: 'default',
      host: '*',
      path: '*',
      pathType: '-',
      service: d.service?.name,
      backend: backendText(d),
    });
  return rows;
}

/** The load balancer's addresses, '-' when none yet. */
export function ingressAddress(ing: Ingress): string {
  const a = (ing.status?.loadBalancer?.ingress ?? []).map((i) => i.ip ?? i.hostname ?? '').filter(Boolean);
  return a.join(', ') || '-';
}

/** 80, or "80, 443" when any TLS section is present (as kubectl shows PORTS). */
export function ingressPorts(ing: Ingress): string {
  return (ing.spec?.tls ?? []).length > 0 ? '80, 443' : '80';
}
