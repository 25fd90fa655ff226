/**
 * Request bodies: read with a hard size limit (3 MiB, as Kubernetes), then decoded by content type.
 * Decoding errors are client faults and become 400/413/415 Status errors, never 500s.
 */
import type { IncomingMessage } from 'node:http';
import { parseAllDocuments } from 'yaml';
import { badRequest, tooLarge, unsupportedMediaType, StatusError } from '../../api/errors.ts';
import { decodeProtobufObject, protobufMediaType } from '../../api/protobuf/object.ts';

/** Kubernetes refuses request bodies over 3 MiB. */
export const maxBodyBytes = 3 * 1024 * 1024;

/** Reads the whole body; rejects with 413 as soon as it passes the limit. */
export function readBody(req: IncomingMessage, limit = maxBodyBytes): Promise<Buffer> {
  const declared = Number(req.headers['content-length'] ?? '0');
  if (declared > limit) {
    req.resume();
    return Promise.reject(
      tooLarge(`the request body is too large: ${declared} bytes, the limit is ${limit}`),
    );
  }
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let failed = false;
    req.on('data', (chunk: Buffer) => {
      if (failed) return;
      size += chunk.length;
      if (size > limit) {
        failed = true;
        req.resume();
        reject(tooLarge(`the request body is too large: more than ${limit} bytes`));
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => {
      if (!failed) resolve(chunks.length === 1 ? chunks[0] : Buffer.concat(chunks));
    });
    req.on('error', (err) => {
      if (!failed) reject(err);
    });
  });
}

/** The media type of a Content-Type header, lower-cased, without parameters. */
export function mediaType(contentType: string | undefined): string {
  return (contentType ?? '').split(';')[0].trim().toLowerCase();
}

export const patchTypes = {
  json: 'application/json-patch+json',
  merge: 'application/merge-patch+json',
  strategic: 'application/strategic-merge-patch+json',
  apply: 'application/apply-patch+yaml',
} as const;

export type PatchType = keyof typeof patchTypes;

/** Maps a PATCH Content-Type to its patch type, or 415. */
export function patchTypeOf(contentType: string | undefined): PatchType {
  const mt = mediaType(contentType);
  for (const [k, v] of Object.entries(patchTypes)) if (v === mt) return k as PatchType;
  throw new StatusError(
    415,
    'UnsupportedMediaType',
    `the body of the request was in an unknown format - accepted media types include: ${Object.values(patchTypes).join(', ')}`,
  );
}

/**
 * Decodes a JSON, YAML or Kubernetes-protobuf body into one value. JSON is parsed strictly; YAML with YAML 1.1 rules (as
 * Go's yaml.v2 reads manifests). Exactly one document is accepted.
 */
export function decodeBody(body: Buffer, contentType: string | undefined): unknown {
  const mt = mediaType(contentType);
  if (mt === protobufMediaType) {
    // kubectl's typed clients (create namespace|configmap|deployment…, auth can-i, drain) send protobuf.
    try {
      return decodeProtobufObject(body);
    } catch (err) {
      throw badRequest(`the protobuf request body could not be decoded: ${(err as Error).message}`);
    }
  }
  const text = body.toString('utf8');
  if (mt === '' || mt === 'application/json' || mt.endsWith('+json')) return parseJson(text);
  if (
    mt === 'application/yaml' ||
    mt === 'application/x-yaml' ||
    mt === 'text/yaml' ||
    mt.endsWith('+yaml')
  ) {
    return parseYaml(text);
  }
  throw unsupportedMediaType(mt);
}

export function parseJson(text: string): unknown {
  if (text.trim() === '') throw badRequest('the request body is empty');
  try {
    return JSON.parse(text);
  } catch (err) {
    throw badRequest(`the request body is not valid JSON: ${(err as Error).message}`);
  }
}

export function parseYaml(text: string): unknown {
  let docs;
  try {
    docs = parseAllDocuments(text, { version: '1.1', uniqueKeys: true });
  } catch (err) {
    throw badRequest(`the request body is not valid YAML: ${(err as Error).message}`);
  }
  const list = Array.isArray(docs) ? docs : [docs];
  const real = list.filter((d) => d.contents !== null);
  if (real.length !== 1) throw badRequest(`expected exactly one YAML document, got ${real.length}`);
  const doc = real[0];
  if (doc.errors.length) throw badRequest(`the request body is not valid YAML: ${doc.errors[0].message}`);
  return doc.toJSON();
}
