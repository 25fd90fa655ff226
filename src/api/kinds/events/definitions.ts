/** Schemas of events.k8s.io/v1: Event (a view over core/v1 events) and EventSeries. */
import { s, type Definitions } from '../../schema/types.ts';
import { kindSchema, listSchema } from '../networking/kind-schema.ts';

const P = 'io.k8s.api.events.v1.';
const META = 'io.k8s.apimachinery.pkg.apis.meta.v1.';
const CORE = 'io.k8s.api.core.v1.';

export const definitions: Definitions = {
  [P + 'Event']: kindSchema(
    'events.k8s.io',
    'v1',
    'Event',
    'A report that something happened to an object; best effort and short-lived.',
    {
      eventTime: s.ref(META + 'MicroTime', 'When the event was first seen; required.'),
      series: s.ref(P + 'EventSeries', 'Repeats of the event, when it keeps happening.'),
      reportingController: s.str('Controller that emitted the event, e.g. "kubernetes.io/kubelet".'),
      reportingInstance: s.str('Which instance of the controller emitted the event, e.g. a node name.'),
      action: s.str('What was done or failed to be done to the regarding object.'),
      reason: s.str('Why the action was taken, in one CamelCase word.'),
      regarding: s.ref(CORE + 'ObjectReference', 'The object the event is about.'),
      related: s.ref(CORE + 'ObjectReference', 'A second object involved, if any.'),
      note: s.str('Human-readable description; at most 1 kB.'),
      type: s.str('Normal or Warning.'),
      deprecatedSource: s.ref(CORE + 'EventSource', 'core/v1 source field, kept for compatibility.'),
      deprecatedFirstTimestamp: s.ref(META + 'Time', 'core/v1 firstTimestamp, kept for compatibility.'),
      deprecatedLastTimestamp: s.ref(META + 'Time', 'core/v1 lastTimestamp, kept for compatibility.'),
      deprecatedCount: s.int32('core/v1 count, kept for compatibility.'),
    },
    ['eventTime'],
  ),
  [P + 'EventList']: listSchema('events.k8s.io', 'v1', 'Event', P + 'Event'),
  [P + 'EventSeries']: s.obj(
    {
      count: s.int32('How many times the event has happened so far.'),
      lastObservedTime: s.ref(META + 'MicroTime', 'When the event was last seen.'),
    },
    'A run of the same event.',
    ['count', 'lastObservedTime'],
  ),
};
