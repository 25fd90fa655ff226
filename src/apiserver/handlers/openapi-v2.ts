/**
 * /openapi/v2: a valid Swagger 2.0 document without definitions. kubectl asks for it (in gnostic's
 * protobuf encoding only) when it validates a document whose kind the OpenAPI v3 documents do not
 * list with a `fieldValidation` parameter — a `kind: List` above all. A 404 there makes
 * `kubectl apply -f list.yaml` fail; an empty document makes kubectl validate nothing itself (it
 * skips types without a description) and leave validation to the server, as it does for every
 * other kind through v3. Schemas are served by v3 only.
 */

/**
 * The protobuf media type answered. kubectl asks for `…spec.v2@v1.0+protobuf`, but Go's MIME parser
 * rejects the `@` in a Content-Type, so the answer uses the dotted form kube-apiserver sends.
 */
export const openApiV2ProtobufType = 'application/com.github.proto-openapi.spec.v2.v1.0+protobuf';

/**
 * The document in both encodings: JSON, and gnostic's openapi.v2.Document protobuf — swagger (1),
 * info (2: title 1, version 2), paths (8) and definitions (9), both empty messages.
 */
export function openApiV2Document(version: string): { json: string; protobuf: Buffer } {
  const json = JSON.stringify({
    swagger: '2.0',
    info: { title: 'Berth', version },
    paths: {},
    definitions: {},
  });
  const protobuf = Buffer.concat([
    field(1, Buffer.from('2.0')),
    field(2, Buffer.concat([field(1, Buffer.from('Berth')), field(2, Buffer.from(version))])),
    field(8, Buffer.alloc(0)),
    field(9, Buffer.alloc(0)),
  ]);
  return { json, protobuf };
}

/** A length-delimited field (wire type 2): tag, length, bytes. */
function field(n: number, body: Buffer): Buffer {
  return Buffer.concat([Buffer.from([(n << 3) | 2]), varint(body.length), body]);
}

function varint(n: number): Buffer {
  const out: number[] = [];
  while (n > 0x7f) {
    out.push((n & 0x7f) | 0x80);
    n >>>= 7;
  }
  out.push(n);
  return Buffer.from(out);
}
