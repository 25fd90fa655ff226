/**
 * The shape of the declarative message tables: for each protobuf message Kubernetes sends, its field
 * numbers mapped to the JSON field name, the value kind and flags. The decoder and the encoder are
 * both driven by these tables, so adding a message is adding one table entry.
 *
 * Field numbers come from Kubernetes' published generated.proto files (proto2: every field is
 * `optional`, so a present zero is a real value); JSON names are the Go JSON tags, which equal the
 * proto names except where noted in a table.
 */

/** Scalar kinds as they appear in Kubernetes' .proto files (no enums: Kubernetes uses strings). */
export type ScalarKind = 'string' | 'bytes' | 'bool' | 'int32' | 'int64';

/**
 * Well-known apimachinery messages with their own JSON form:
 * Quantity (string s=1) → string; IntOrString (type=1, intVal=2, strVal=3) → number or string;
 * Time / MicroTime (seconds=1, nanos=2) → RFC 3339 string (seconds / microseconds precision);
 * Duration (duration=1, nanoseconds) → Go duration string; RawExtension / FieldsV1 (raw=1) → parsed JSON.
 */
export type WellKnownKind =
  'Quantity' | 'IntOrString' | 'Time' | 'MicroTime' | 'Duration' | 'RawExtension' | 'FieldsV1';

/**
 * One field: [jsonName, kind, flags]. `kind` is a scalar, a well-known kind or a message name such as
 * `core.v1.PodSpec`. Flags (any order):
 *   r  repeated (packed or not, for numbers);
 *   m  map<string, kind> (entries: key=1, value=2) → JSON object;
 *   z  keep a zero scalar: the Go field is a pointer, or its JSON tag has no omitempty, so the JSON form
 *      carries a zero. Without `z` a zero scalar (which gogo-protobuf always writes for plain Go fields)
 *      is dropped, as omitempty drops it from JSON;
 *   i  inline: a Go embedded struct, whose fields appear in the parent's JSON object.
 */
export type Field = readonly [json: string, kind: string, flags?: string];

/** A message: field number → field. */
export type Message = Readonly<Record<number, Field>>;

/** Messages by name (`<proto package without k8s.io.api.>.<Message>`, e.g. `apps.v1.Deployment`). */
export type MessageTable = Readonly<Record<string, Message>>;

export const scalarKinds: ReadonlySet<string> = new Set<ScalarKind>([
  'string',
  'bytes',
  'bool',
  'int32',
  'int64',
]);
export const wellKnownKinds: ReadonlySet<string> = new Set<WellKnownKind>([
  'Quantity',
  'IntOrString',
  'Time',
  'MicroTime',
  'Duration',
  'RawExtension',
  'FieldsV1',
]);
