/**
 * Schema definitions shared by every kind: object and list metadata, owner references, label
 * selectors, conditions, Status and DeleteOptions, plus the Quantity and IntOrString value types.
 * Named as Kubernetes names them so other definitions can say
 * `s.ref('io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta', '...')` and `kubectl explain` reads the
 * same paths.
 */
import { s } from '../types.ts';
import type { Definitions, Schema } from '../types.ts';

const META = 'io.k8s.apimachinery.pkg.apis.meta.v1.';

/** Full definition names, for references from other groups. */
export const metaNames = {
  ObjectMeta: `${META}ObjectMeta`,
  ListMeta: `${META}ListMeta`,
  OwnerReference: `${META}OwnerReference`,
  ManagedFieldsEntry: `${META}ManagedFieldsEntry`,
  LabelSelector: `${META}LabelSelector`,
  LabelSelectorRequirement: `${META}LabelSelectorRequirement`,
  Time: `${META}Time`,
  MicroTime: `${META}MicroTime`,
  Status: `${META}Status`,
  StatusDetails: `${META}StatusDetails`,
  StatusCause: `${META}StatusCause`,
  DeleteOptions: `${META}DeleteOptions`,
  Preconditions: `${META}Preconditions`,
  Condition: `${META}Condition`,
  FieldsV1: `${META}FieldsV1`,
  Quantity: 'io.k8s.apimachinery.pkg.api.resource.Quantity',
  IntOrString: 'io.k8s.apimachinery.pkg.util.intstr.IntOrString',
} as const;

const n = metaNames;

const apiVersion = s.str('The versioned schema of this representation of an object, e.g. "apps/v1".');
const kind = s.str('The REST kind of this object, e.g. "Deployment". Written in CamelCase.');

const ownerReferences: Schema = s.mapList(
  s.ref(n.OwnerReference),
  'uid',
  'Objects this object depends on. When every owner is gone, the garbage collector deletes this object. At most one owner may be the managing controller.',
);

const finalizers: Schema = s.strList(
  'Keys that must all be removed before the object is deleted from storage. Each names a controller that still has cleanup to do; deletion sets deletionTimestamp and waits for them.',
  { 'x-kubernetes-patch-strategy': 'merge', 'x-kubernetes-list-type': 'set' },
);

const objectMeta = s.obj(
  {
    name: s.str(
      'Unique name within a namespace (or the cluster, for cluster-scoped kinds). Cannot be changed after creation.',
    ),
    generateName: s.str('A prefix from which the server builds a unique name when name is empty.'),
    namespace: s.str('The namespace the object lives in. Empty for cluster-scoped objects.'),
    selfLink: s.str('Deprecated and unused; kept for compatibility.'),
    uid: s.str('Unique in time and space, set by the server on creation and never reused.'),
    resourceVersion: s.str(
      'An opaque value that changes whenever the object changes; used for optimistic concurrency and watches. Clients must not interpret it.',
    ),
    generation: s.int64('A sequence number of changes to the desired state, set by the server.'),
    creationTimestamp: s.ref(n.Time, 'When the server created the object (RFC 3339, UTC). Read-only.'),
    deletionTimestamp: s.ref(
      n.Time,
      'When the object was asked to be deleted; it stays until its finalizers are gone. Set by the server.',
    ),
    deletionGracePeriodSeconds: s.int64(
      'Seconds allowed for graceful termination before the object is removed. Set with deletionTimestamp.',
    ),
    labels: s.strMap('Key/value pairs for organising and selecting objects; used by label selectors.'),
    annotations: s.strMap('Key/value pairs of arbitrary, non-identifying metadata for tools and people.'),
    ownerReferences,
    finalizers,
    managedFields: s.list(
      s.ref(n.ManagedFieldsEntry),
      'Which field manager owns which fields, as recorded by server-side apply. Internal; rarely edited by hand.',
    ),
  },
  'Metadata every persisted object has: identity, labels, annotations, ownership and lifecycle.',
);

/** The shared definitions, keyed by full name. */
export const definitions: Definitions = {
  [n.ObjectMeta]: objectMeta,
  [n.ListMeta]: s.obj(
    {
      selfLink: s.str('Deprecated and unused; kept for compatibility.'),
      resourceVersion: s.str('The version of the collection at the moment it was read; watch from here.'),
      continue: s.str('Present when more items remain: pass it back to fetch the next page.'),
      remainingItemCount: s.int64('How many items remain after this page, when the server can tell.'),
    },
    'Metadata of a list response.',
  ),
  [n.OwnerReference]: s.obj(
    {
      apiVersion: s.str('API version of the owner.'),
      kind: s.str('Kind of the owner.'),
      name: s.str('Name of the owner.'),
      uid: s.str('UID of the owner.'),
      controller: s.bool('True when the owner is the managing controller of this object.'),
      blockOwnerDeletion: s.bool(
        'When true, a foreground deletion of the owner waits for this object to go first.',
      ),
    },
    'Names an owning object in the same namespace (or a cluster-scoped owner).',
    ['apiVersion', 'kind', 'name', 'uid'],
  ),
  [n.ManagedFieldsEntry]: s.obj(
    {
      manager: s.str('Name of the field manager.'),
      operation: s.str('The kind of write that set the fields: "Apply" or "Update".'),
      apiVersion: s.str('API version the fields were written in.'),
      time: s.ref(n.Time, 'When the entry last changed.'),
      fieldsType: s.str('The format of fieldsV1; only "FieldsV1".'),
      fieldsV1: s.ref(n.FieldsV1, 'The set of fields this manager owns.'),
      subresource: s.str('The subresource the write went through, or empty for the main resource.'),
    },
    "One field manager's ownership of a set of fields.",
  ),
  [n.FieldsV1]: {
    type: 'object',
    'x-kubernetes-preserve-unknown-fields': true,
    description: 'A set of field paths encoded as a JSON trie.',
  },
  [n.LabelSelector]: {
    ...s.obj(
      {
        matchLabels: s.strMap('Labels that must all be present with these values.'),
        matchExpressions: s.list(
          s.ref(n.LabelSelectorRequirement),
          'Conditions on labels that must all hold.',
        ),
      },
      'Selects objects by label. Both parts must match; an empty selector matches everything, a missing one nothing.',
    ),
    'x-kubernetes-map-type': 'atomic',
  },
  [n.LabelSelectorRequirement]: s.obj(
    {
      key: s.str('The label key.'),
      operator: s.str('How the key relates to the values: In, NotIn, Exists or DoesNotExist.'),
      values: s.strList('Values for In and NotIn (non-empty); must be empty for Exists and DoesNotExist.'),
    },
    'One condition of a label selector.',
    ['key', 'operator'],
  ),
  [n.Time]: s.time(
    'A point in time, written in RFC 3339 with second precision, e.g. "2025-01-01T00:00:00Z".',
  ),
  [n.MicroTime]: s.time('A point in time with microsecond precision, RFC 3339.'),
  [n.Status]: s.obj(
    {
      apiVersion,
      kind,
      metadata: s.ref(n.ListMeta, 'Standard list metadata.'),
      status: s.str('"Success" or "Failure".'),
      message: s.str('A human-readable description of the outcome.'),
      reason: s.str('A machine-readable reason for a failure, e.g. NotFound or Conflict.'),
      details: s.ref(n.StatusDetails, 'More data about the failure, depending on the reason.'),
      code: s.int32('The HTTP status code of the response.'),
    },
    'The outcome of a call that returns no object, and the body of every error.',
  ),
  [n.StatusDetails]: s.obj(
    {
      name: s.str('Name of the object the failure concerns.'),
      group: s.str('API group of that object.'),
      kind: s.str('Kind (or resource) of that object.'),
      uid: s.str('UID of that object.'),
      causes: s.list(s.ref(n.StatusCause), 'The individual problems, e.g. one per invalid field.'),
      retryAfterSeconds: s.int32('Seconds to wait before retrying, when the failure is temporary.'),
    },
    'Details of a failure.',
  ),
  [n.StatusCause]: s.obj(
    {
      reason: s.str('A machine-readable cause, e.g. FieldValueInvalid.'),
      message: s.str('A human-readable description of the cause.'),
      field: s.str('The field the cause concerns, as a path like "spec.containers[0].image".'),
    },
    'One problem behind a failure.',
  ),
  [n.DeleteOptions]: s.obj(
    {
      apiVersion,
      kind,
      gracePeriodSeconds: s.int64(
        "Seconds to wait before deleting; 0 deletes immediately. Empty uses the kind's default.",
      ),
      preconditions: s.ref(n.Preconditions, 'Conditions the object must meet to be deleted.'),
      orphanDependents: s.bool('Deprecated: use propagationPolicy. When true, dependents are orphaned.'),
      propagationPolicy: s.str(
        'What happens to dependents: "Orphan", "Background" (delete them after the owner) or "Foreground" (delete them first).',
      ),
      dryRun: s.strList('When present, run all stages except persisting. The only valid value is "All".'),
      ignoreStoreReadErrorWithClusterBreakingPotential: s.bool(
        'Delete even when the stored object cannot be read. Dangerous; needs extra permission.',
      ),
    },
    'Options for a delete call.',
  ),
  [n.Preconditions]: s.obj(
    {
      uid: s.str('The object must have this UID.'),
      resourceVersion: s.str('The object must be at this resourceVersion.'),
    },
    'Conditions checked before a delete.',
  ),
  [n.Condition]: s.obj(
    {
      type: s.str('The aspect of state this condition describes, in CamelCase, e.g. "Available".'),
      status: s.enumOf(['True', 'False', 'Unknown'], 'Whether the condition holds: True, False or Unknown.'),
      observedGeneration: s.int64('The metadata.generation the condition was computed from.'),
      lastTransitionTime: s.ref(n.Time, 'When status last changed.'),
      reason: s.str('A CamelCase, machine-readable reason for the last transition.'),
      message: s.str('A human-readable explanation of the last transition.'),
    },
    "One observation of an aspect of an object's state.",
    ['type', 'status', 'lastTransitionTime', 'reason', 'message'],
  ),
  [n.Quantity]: s.quantityType(
    'A fixed-point number with an optional suffix: "500m", "2", "1.5Gi", "1e3". Decimal suffixes n u m k M G T P E, binary suffixes Ki Mi Gi Ti Pi Ei.',
  ),
  [n.IntOrString]: s.intOrStringType(
    'Either an integer or a string, e.g. a port number or a port name, or "25%".',
  ),
};
