/**
 * events.k8s.io/v1 Event: the newer view of events, stored as core/v1 events (one storage, two
 * APIs). Validation applies the strict rules Kubernetes uses for this API version — field paths
 * are the ones Kubernetes reports (it validates the core form: involvedObject, message, …).
 */
import { isDeepStrictEqual } from 'node:util';
import { fieldError, type FieldError } from '../../errors.ts';
import type { KubeObject } from '../../object.ts';
import { age } from '../../table/duration.ts';
import { isDNS1123Subdomain, isQualifiedName } from '../../validation/names.ts';
import { obj, str } from '../../validation/util.ts';
import type { KindDef } from '../types.ts';
import { eventFromCore, eventToCore } from './conversion.ts';

const LIMIT_128 = 128;
const NOTE_LIMIT = 1024;

function validateSeries(e: KubeObject): FieldError[] {
  if (e.series == null) return [];
  const series = obj(e.series);
  const errs: FieldError[] = [];
  if (typeof series.count !== 'number' || series.count < 2)
    errs.push(fieldError.invalid('series.count', '', 'should be at least 2'));
  if (!series.lastObservedTime) errs.push(fieldError.required('series.lastObservedTime'));
  return errs;
}

function validateEvent(e: KubeObject): FieldError[] {
  const errs: FieldError[] = [];
  const ns = e.metadata.namespace ?? '';
  const regarding = obj(e.regarding);
  if (e.eventTime) {
    if (!str(regarding.namespace) && ns !== 'default' && ns !== 'kube-system') {
      errs.push(
        fieldError.invalid(
          'involvedObject.namespace',
          str(regarding.namespace),
          'does not match event.namespace',
        ),
      );
    }
    const controller = str(e.reportingController);
    if (!controller) errs.push(fieldError.required('reportingController'));
    else
      for (const m of isQualifiedName(controller))
        errs.push(fieldError.invalid('reportingController', controller, m));
    for (const [field, limit] of [
      ['reportingInstance', LIMIT_128],
      ['action', LIMIT_128],
      ['reason', LIMIT_128],
    ] as const) {
      const v = str(e[field]);
      if (!v) errs.push(fieldError.required(field));
      if (v.length > limit) errs.push(fieldError.invalid(field, '', `can have at most ${limit} characters`));
    }
    if (str(e.note).length > NOTE_LIMIT)
      errs.push(fieldError.invalid('message', '', `can have at most ${NOTE_LIMIT} characters`));
  }
  for (const m of isDNS1123Subdomain(ns)) errs.push(fieldError.invalid('namespace', ns, m));
  errs.push(...validateSeries(e));
  if (!e.eventTime) errs.push(fieldError.required('eventTime'));
  if (e.type !== 'Normal' && e.type !== 'Warning')
    errs.push(fieldError.invalid('type', '', `has invalid value: ${str(e.type)}`));
  if (e.deprecatedFirstTimestamp)
    errs.push(fieldError.invalid('deprecatedFirstTimestamp', '', 'needs to be unset'));
  if (e.deprecatedLastTimestamp)
    errs.push(fieldError.invalid('deprecatedLastTimestamp', '', 'needs to be unset'));
  if (typeof e.deprecatedCount === 'number' && e.deprecatedCount !== 0) {
    errs.push(fieldError.invalid('deprecatedCount', '', 'needs to be unset'));
  }
  const source = obj(e.deprecatedSource);
  if (str(source.component) || str(source.host))
    errs.push(fieldError.invalid('deprecatedSource', '', 'needs to be unset'));
  return errs;
}

/** Fields that never change on update: (events.k8s.io name, the path Kubernetes reports). */
const IMMUTABLE: [string, string][] = [
  ['regarding', 'involvedObject'],
  ['reason', 'reason'],
  ['note', 'message'],
  ['deprecatedSource', 'source'],
  ['deprecatedFirstTimestamp', 'firstTimestamp'],
  ['deprecatedLastTimestamp', 'lastTimestamp'],
  ['deprecatedCount', 'count'],
  ['type', 'type'],
  ['eventTime', 'eventTime'],
  ['action', 'action'],
  ['related', 'related'],
  ['reportingController', 'reportingController'],
  ['reportingInstance', 'reportingInstance'],
];

/** Empty strings, empty objects, zero counts and null all mean "unset" to Go, so compare them as one. */
function unset(v: unknown): unknown {
  if (v === undefined || v === null || v === '' || v === 0) return undefined;
  if (typeof v === 'object' && !Array.isArray(v) && Object.keys(v).length === 0) return undefined;
  return v;
}

function validateEventUpdate(e: KubeObject, old: KubeObject): FieldError[] {
  const errs: FieldError[] = [];
  for (const [field, path] of IMMUTABLE) {
    if (!isDeepStrictEqual(unset(e[field]), unset(old[field]))) {
      errs.push(fieldError.invalid(path, e[field] ?? null, 'field is immutable'));
    }
  }
  return errs;
}

/** kubectl's SOURCE cell: component (or reporting controller), then ", host" (or reporting instance). */
function formatSource(e: KubeObject): string {
  const src = obj(e.deprecatedSource);
  const component = str(src.component) || str(e.reportingController);
  const host = str(src.host) || str(e.reportingInstance);
  return host ? `${component}, ${host}` : component;
}

function firstSeen(e: KubeObject, now: number): string {
  const first = str(e.deprecatedFirstTimestamp);
  return first ? age(first, now) : age(str(e.eventTime) || undefined, now);
}

function lastSeen(e: KubeObject, now: number): string {
  const series = obj(e.series);
  if (e.series != null) return age(str(series.lastObservedTime) || undefined, now);
  const last = str(e.deprecatedLastTimestamp);
  return last ? age(last, now) : firstSeen(e, now);
}

export const event: KindDef = {
  group: 'events.k8s.io',
  version: 'v1',
  kind: 'Event',
  listKind: 'EventList',
  resource: 'events',
  singular: 'event',
  namespaced: true,
  shortNames: ['ev'],
  schema: 'io.k8s.api.events.v1.Event',
  storedAs: { group: '', resource: 'events' },
  toStorage: eventToCore,
  fromStorage: eventFromCore,
  strategy: { validate: validateEvent, validateUpdate: validateEventUpdate },
  columns: [
    {
      name: 'Last Seen',
      type: 'string',
      description: 'When the event was last seen.',
      priority: 0,
      cell: (e, now) => lastSeen(e, now),
    },
    {
      name: 'Type',
      type: 'string',
      description: 'Normal or Warning.',
      priority: 0,
      cell: (e) => str(e.type),
    },
    {
      name: 'Reason',
      type: 'string',
      description: 'Why the action was taken.',
      priority: 0,
      cell: (e) => str(e.reason),
    },
    {
      name: 'Object',
      type: 'string',
      description: 'The object the event is about.',
      priority: 0,
      cell: (e) => {
        const r = obj(e.regarding);
        const kind = str(r.kind).toLowerCase();
        return str(r.name) ? `${kind}/${str(r.name)}` : kind;
      },
    },
    {
      name: 'Subobject',
      type: 'string',
      description: 'Part of the object concerned.',
      priority: 1,
      cell: (e) => str(obj(e.regarding).fieldPath),
    },
    {
      name: 'Source',
      type: 'string',
      description: 'Component that reported the event.',
      priority: 1,
      cell: formatSource,
    },
    {
      name: 'Message',
      type: 'string',
      description: 'What happened.',
      priority: 0,
      cell: (e) => str(e.note).trim(),
    },
    {
      name: 'First Seen',
      type: 'string',
      description: 'When the event was first seen.',
      priority: 1,
      cell: (e, now) => firstSeen(e, now),
    },
    {
      name: 'Count',
      type: 'string',
      description: 'How many times the event happened.',
      priority: 1,
      cell: (e) => {
        if (e.series != null) return Number(obj(e.series).count ?? 0);
        return typeof e.deprecatedCount === 'number' && e.deprecatedCount !== 0 ? e.deprecatedCount : 1;
      },
    },
  ],
  fieldSelectors: {
    'regarding.kind': (e) => str(obj(e.regarding).kind),
    'regarding.namespace': (e) => str(obj(e.regarding).namespace),
    'regarding.name': (e) => str(obj(e.regarding).name),
    'regarding.uid': (e) => str(obj(e.regarding).uid),
    'regarding.apiVersion': (e) => str(obj(e.regarding).apiVersion),
    'regarding.resourceVersion': (e) => str(obj(e.regarding).resourceVersion),
    'regarding.fieldPath': (e) => str(obj(e.regarding).fieldPath),
    reason: (e) => str(e.reason),
    reportingController: (e) => str(e.reportingController),
    type: (e) => str(e.type),
  },
};
