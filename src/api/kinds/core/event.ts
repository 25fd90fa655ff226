/**
 * core/v1 Event: the object reference must sit in the event's namespace, the field selectors
 * `kubectl describe` uses, and the LAST SEEN / TYPE / REASON / OBJECT / MESSAGE table.
 */
import { fieldError, type FieldError } from '../../errors.ts';
import type { KubeObject } from '../../object.ts';
import { age } from '../../table/duration.ts';
import type { Column, KindDef } from '../types.ts';
import { col, field, str } from './util.ts';

const involved = (o: KubeObject) => field(o, 'involvedObject');

/** Event checks: an involved object in another namespace is rejected; type is Normal or Warning when set. */
export function validateEvent(o: KubeObject): FieldError[] {
  const errs: FieldError[] = [];
  const ns = str(involved(o).namespace);
  if (ns && o.metadata.namespace && ns !== o.metadata.namespace)
    errs.push(fieldError.invalid('involvedObject.namespace', ns, 'does not match event.namespace'));
  const type = str(o.type);
  if (type && type !== 'Normal' && type !== 'Warning')
    errs.push(fieldError.notSupported('type', type, ['Normal', 'Warning']));
  return errs;
}

interface EventTimes {
  first: string;
  last: string;
  count: number;
}

function eventTimes(o: KubeObject, now: number): EventTimes {
  const series = o.series as Record<string, unknown> | undefined;
  const first = o.firstTimestamp ? age(str(o.firstTimestamp), now) : age(str(o.eventTime) || undefined, now);
  let last = o.lastTimestamp ? age(str(o.lastTimestamp), now) : first;
  let count = typeof o.count === 'number' ? o.count : 0;
  if (series) {
    last = age(str(series.lastObservedTime) || undefined, now);
    count = typeof series.count === 'number' ? series.count : 0;
  } else if (count === 0) count = 1;
  return { first, last, count };
}

/** OBJECT: kind/name in lower case, or just the kind. */
export function eventObject(o: KubeObject): string {
  const ref = involved(o);
  const kind = str(ref.kind).toLowerCase();
  return str(ref.name) ? `${kind}/${str(ref.name)}` : kind;
}

function eventSource(o: KubeObject): string {
  const source = field(o, 'source');
  if (str(source.component))
    return str(source.host) ? `${str(source.component)}, ${str(source.host)}` : str(source.component);
  const comp = str(o.reportingComponent);
  return str(o.reportingInstance) ? `${comp}, ${str(o.reportingInstance)}` : comp;
}

/**
 * Columns as Kubernetes prints events: it has no leading NAME column (NAME comes last, wide).
 * See the report: the table builder must not prepend NAME for this kind.
 */
export const eventColumns: Column[] = [
  col('Last Seen', 'Time since the event was last seen.', (o, now) => eventTimes(o, now).last),
  col('Type', 'Normal or Warning.', (o) => str(o.type)),
  col('Reason', 'Short reason.', (o) => str(o.reason)),
  col('Object', 'The object the event is about.', eventObject),
  col('Subobject', 'Part of the object, e.g. a container.', (o) => str(involved(o).fieldPath), 1),
  col('Source', 'Component that reported the event.', eventSource, 1),
  col('Message', 'What happened.', (o) => str(o.message).trim()),
  col('First Seen', 'Time since the event was first seen.', (o, now) => eventTimes(o, now).first, 1),
  {
    name: 'Count',
    type: 'integer',
    description: 'How many times it occurred.',
    priority: 1,
    cell: (o, now) => eventTimes(o, now).count,
  },
  { ...col('Name', 'Name of the event.', (o) => o.metadata.name ?? '', 1), format: 'name' },
];

/** The `events` resource of core/v1. */
export const eventKind: KindDef = {
  group: '',
  version: 'v1',
  kind: 'Event',
  listKind: 'EventList',
  resource: 'events',
  singular: 'event',
  namespaced: true,
  shortNames: ['ev'],
  schema: 'io.k8s.api.core.v1.Event',
  strategy: { validate: validateEvent },
  columns: eventColumns,
  fieldSelectors: {
    'involvedObject.kind': (o) => str(involved(o).kind),
    'involvedObject.namespace': (o) => str(involved(o).namespace),
    'involvedObject.name': (o) => str(involved(o).name),
    'involvedObject.uid': (o) => str(involved(o).uid),
    'involvedObject.apiVersion': (o) => str(involved(o).apiVersion),
    'involvedObject.resourceVersion': (o) => str(involved(o).resourceVersion),
    'involvedObject.fieldPath': (o) => str(involved(o).fieldPath),
    reason: (o) => str(o.reason),
    reportingComponent: (o) => str(o.reportingComponent),
    source: (o) => str(field(o, 'source').component) || str(o.reportingComponent),
    type: (o) => str(o.type),
  },
};
