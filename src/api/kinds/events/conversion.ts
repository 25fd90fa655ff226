/**
 * Conversion between events.k8s.io/v1 Event and the core/v1 Event that storage holds, field for
 * field as Kubernetes converts them (regarding ⇄ involvedObject, note ⇄ message, deprecated* ⇄ the
 * old core fields, reportingController ⇄ reportingComponent). The output mirrors what Kubernetes'
 * JSON shows: struct fields that are never omitted appear as {} and unset times as null.
 */
import type { KubeObject } from '../../object.ts';

/** Fields with the same name and meaning in both versions. */
const SHARED = ['eventTime', 'series', 'related', 'action', 'reason', 'type', 'reportingInstance'] as const;

function set(out: KubeObject, key: string, value: unknown): void {
  if (value !== undefined && value !== null && value !== '') out[key] = value;
}

/** events.k8s.io/v1 → core/v1 (the stored form). */
export function eventToCore(e: KubeObject): KubeObject {
  const out: KubeObject = { apiVersion: 'v1', kind: 'Event', metadata: structuredClone(e.metadata) };
  out.involvedObject = structuredClone(e.regarding ?? {});
  set(out, 'reason', e.reason);
  set(out, 'message', e.note);
  out.source = structuredClone(e.deprecatedSource ?? {});
  set(out, 'firstTimestamp', e.deprecatedFirstTimestamp);
  set(out, 'lastTimestamp', e.deprecatedLastTimestamp);
  set(out, 'count', e.deprecatedCount === 0 ? undefined : e.deprecatedCount);
  set(out, 'type', e.type);
  set(out, 'eventTime', e.eventTime);
  set(out, 'series', structuredClone(e.series));
  set(out, 'action', e.action);
  set(out, 'related', structuredClone(e.related));
  // Kubernetes always writes these two (their JSON tags have no omitempty).
  out.reportingComponent = typeof e.reportingController === 'string' ? e.reportingController : '';
  out.reportingInstance = typeof e.reportingInstance === 'string' ? e.reportingInstance : '';
  return out;
}

/** core/v1 (stored) → events.k8s.io/v1. */
export function eventFromCore(c: KubeObject): KubeObject {
  const out: KubeObject = {
    apiVersion: 'events.k8s.io/v1',
    kind: 'Event',
    metadata: structuredClone(c.metadata),
  };
  out.eventTime = c.eventTime ?? null;
  for (const key of SHARED) if (key !== 'eventTime') set(out, key, structuredClone(c[key]));
  set(out, 'reportingController', c.reportingComponent);
  out.regarding = structuredClone(c.involvedObject ?? {});
  set(out, 'note', c.message);
  out.deprecatedSource = structuredClone(c.source ?? {});
  out.deprecatedFirstTimestamp = c.firstTimestamp ?? null;
  out.deprecatedLastTimestamp = c.lastTimestamp ?? null;
  set(out, 'deprecatedCount', c.count === 0 ? undefined : c.count);
  return out;
}
