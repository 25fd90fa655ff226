/**
 * The Events page's logic: newest-first ordering, the warnings-only and text filters, and the
 * console page of an event's involved object. Pure and tested.
 */
import type { KubeEvent } from '../api/types.ts';
import { detailLink } from './links.ts';
import { eventTime } from './overview.ts';

/** Kinds whose objects have a detail page, by kind → the page's resource segment. */
const pages: Record<string, string> = {
  Pod: 'pods',
  Deployment: 'deployments',
  StatefulSet: 'statefulsets',
  DaemonSet: 'daemonsets',
  Job: 'jobs',
  CronJob: 'cronjobs',
};

/** Events newest first, only warnings when asked, only those whose object, reason or message contains `query`. */
export function filterEvents(
  events: readonly KubeEvent[],
  opts: { warningsOnly?: boolean; query?: string },
): KubeEvent[] {
  const q = (opts.query ?? '').trim().toLowerCase();
  return events
    .filter((e) => !opts.warningsOnly || e.type === 'Warning')
    .filter((e) => {
      if (q === '') return true;
      const o = e.involvedObject ?? {};
      return [`${o.kind ?? ''}/${o.name ?? ''}`, e.reason ?? '', e.message ?? ''].some((s) =>
        s.toLowerCase().includes(q),
      );
    })
    .map((e) => ({ e, t: Date.parse(eventTime(e) ?? '') || 0 }))
    .sort((a, b) => b.t - a.t)
    .map(({ e }) => e);
}

/** The console page of the event's object (pods, workloads, nodes), or undefined. */
export function eventObjectLink(cluster: string, e: KubeEvent): string | undefined {
  const o = e.involvedObject;
  if (!o?.kind || !o.name) return undefined;
  if (o.kind === 'Node') return `/c/${encodeURIComponent(cluster)}/nodes/${encodeURIComponent(o.name)}`;
  const resource = pages[o.kind];
  if (!resource) return undefined;
  return detailLink(cluster, resource, o.namespace ?? e.metadata.namespace, o.name);
}
