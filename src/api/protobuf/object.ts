/**
 * Kubernetes' protobuf envelope: the 4-byte magic `k8s\0`, then a runtime.Unknown message
 * (typeMeta=1 {apiVersion=1, kind=2}, raw=2, contentEncoding=3, contentType=4) whose `raw` holds the
 * object's own message. kubectl's typed clients send request bodies this way
 * (`application/vnd.kubernetes.protobuf`).
 */
import { decodeMessage } from './decode.ts';
import { messages } from './messages/index.ts';
import { readFields } from './wire.ts';

/** The media type of Kubernetes' protobuf encoding. */
export const protobufMediaType = 'application/vnd.kubernetes.protobuf';

/** The prefix every protobuf-encoded Kubernetes object starts with. */
export const protobufMagic: Buffer = Buffer.from([0x6b, 0x38, 0x73, 0x00]);

/** The parts of a runtime.Unknown envelope. */
export interface UnknownEnvelope {
  apiVersion: string;
  kind: string;
  raw: Buffer;
  contentEncoding: string;
  contentType: string;
}

/** Splits a `k8s\0`-prefixed body into its envelope parts; throws on a malformed envelope. */
export function readEnvelope(body: Buffer): UnknownEnvelope {
  if (body.length < 4 || !body.subarray(0, 4).equals(protobufMagic)) {
    throw new Error('the protobuf body does not start with the Kubernetes prefix "k8s\\0"');
  }
  const env: UnknownEnvelope = {
    apiVersion: '',
    kind: '',
    raw: Buffer.alloc(0),
    contentEncoding: '',
    contentType: '',
  };
  let fields;
  try {
    fields = readFields(body.subarray(4));
  } catch (err) {
    throw new Error(`the protobuf envelope is malformed: ${(err as Error).message}`, { cause: err });
  }
  for (const w of fields) {
    if (w.wire !== 2) continue;
    if (w.field === 1) {
      for (const t of readFieldsOrThrow(w.value)) {
        if (t.wire !== 2) continue;
        if (t.field === 1) env.apiVersion = t.value.toString('utf8');
        else if (t.field === 2) env.kind = t.value.toString('utf8');
      }
    } else if (w.field === 2) env.raw = w.value;
    else if (w.field === 3) env.contentEncoding = w.value.toString('utf8');
    else if (w.field === 4) env.contentType = w.value.toString('utf8');
  }
  return env;
}

function readFieldsOrThrow(buf: Buffer): ReturnType<typeof readFields> {
  try {
    return readFields(buf);
  } catch (err) {
    throw new Error(`the protobuf envelope's typeMeta is malformed: ${(err as Error).message}`, {
      cause: err,
    });
  }
}

/**
 * The table name for an apiVersion and kind: the proto package is the group's first label (`apps`,
 * `rbac` for rbac.authorization.k8s.io, `core` for the legacy group). DeleteOptions is meta/v1's
 * in every group, since clients send it with the group version of the resource they delete.
 */
export function messageNameFor(apiVersion: string, kind: string): string | undefined {
  const slash = apiVersion.indexOf('/');
  const group = slash < 0 ? '' : apiVersion.slice(0, slash);
  const version = slash < 0 ? apiVersion : apiVersion.slice(slash + 1);
  if (kind === 'DeleteOptions') return 'meta.v1.DeleteOptions';
  const pkg = group === '' ? 'core' : group.split('.')[0];
  const name = `${pkg}.${version}.${kind}`;
  return messages[name] ? name : undefined;
}

/**
 * Decodes a protobuf request body into the plain object its JSON form would be, with `kind` and
 * `apiVersion` from the envelope, so the rest of the server handles both encodings alike. Throws an
 * Error with a client-facing message on malformed input or a kind without a table (callers answer 400).
 */
export function decodeProtobufObject(body: Buffer): Record<string, unknown> {
  const env = readEnvelope(body);
  if (env.contentEncoding !== '')
    throw new Error(`protobuf content encoding "${env.contentEncoding}" is not supported`);
  if (env.kind === '' || env.apiVersion === '')
    throw new Error('the protobuf envelope names no apiVersion and kind');
  const name = messageNameFor(env.apiVersion, env.kind);
  if (!name) {
    throw new Error(
      `protobuf bodies of kind ${env.kind} in ${env.apiVersion} are not supported by this server; send application/json`,
    );
  }
  let obj: Record<string, unknown>;
  try {
    obj = decodeMessage(env.raw, name);
  } catch (err) {
    throw new Error(
      `the protobuf body is not a valid ${env.apiVersion} ${env.kind}: ${(err as Error).message}`,
      { cause: err },
    );
  }
  return { kind: env.kind, apiVersion: env.apiVersion, ...obj };
}
