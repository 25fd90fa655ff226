/**
 * Reading a pushed manifest: it must be JSON of a known media type whose `mediaType` field (when
 * present) matches the Content-Type it was sent with, with well-formed descriptors. What comes out is
 * what the registry needs to keep: the blobs and child manifests it references (checked to exist
 * before the push is accepted, and marked live by the garbage collector), its `subject` (for the
 * referrers API) and the artifactType/annotations a referrers listing shows.
 */
import { RegistryError } from './errors.ts';
import { DOCKER_SCHEMA1, isIndexType, manifestMediaTypes, OCI_INDEX, OCI_MANIFEST } from './media-types.ts';
import { parseDigest } from './reference.ts';

/** Largest manifest accepted on push (the spec asks registries to take at least 4 MiB). */
export const MAX_MANIFEST_BYTES = 4 * 1024 * 1024;

/** A content descriptor: what a manifest says about one blob or manifest it points at. */
export interface Descriptor {
  mediaType: string;
  digest: string;
  size: number;
  artifactType?: string;
  annotations?: Record<string, string>;
  urls?: string[];
}

/** What the registry records about a manifest. */
export interface ParsedManifest {
  mediaType: string;
  /** Config and layers (image manifests); empty for indexes. Foreign layers (with urls) are left out. */
  blobs: Descriptor[];
  /** Child manifests (indexes and manifest lists); empty for image manifests. */
  manifests: Descriptor[];
  subject?: Descriptor;
  /** For referrers: the manifest's artifactType, else (image manifests) its config's mediaType. */
  artifactType?: string;
  annotations?: Record<string, string>;
}

function invalid(message: string): RegistryError {
  return new RegistryError('MANIFEST_INVALID', message);
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function stringMap(v: unknown, where: string): Record<string, string> | undefined {
  if (v === undefined) return undefined;
  if (!isRecord(v) || !Object.values(v).every((x) => typeof x === 'string')) {
    throw invalid(`${where}: annotations must be an object of strings`);
  }
  return v as Record<string, string>;
}

function descriptor(v: unknown, where: string): Descriptor {
  if (!isRecord(v)) throw invalid(`${where}: descriptor must be an object`);
  const { mediaType, digest, size, artifactType, urls } = v;
  if (typeof mediaType !== 'string' || mediaType === '') throw invalid(`${where}: mediaType is required`);
  if (typeof digest !== 'string' || !parseDigest(digest))
    throw invalid(`${where}: invalid digest ${String(digest)}`);
  if (typeof size !== 'number' || !Number.isSafeInteger(size) || size < 0) {
    throw invalid(`${where}: size must be a non-negative integer`);
  }
  const d: Descriptor = { mediaType, digest, size };
  if (typeof artifactType === 'string') d.artifactType = artifactType;
  const annotations = stringMap(v.annotations, where);
  if (annotations) d.annotations = annotations;
  if (Array.isArray(urls) && urls.length > 0) d.urls = urls.filter((u): u is string => typeof u === 'string');
  return d;
}

function descriptorList(v: unknown, where: string): Descriptor[] {
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v)) throw invalid(`${where} must be an array`);
  return v.map((d, i) => descriptor(d, `${where}[${i}]`));
}

/**
 * Validates a manifest body sent with `contentType` and returns what to record; throws
 * MANIFEST_INVALID with a reason. The media type is the Content-Type, or the body's `mediaType` when
 * the Content-Type is absent or generic.
 */
export function parseManifest(body: Buffer, contentType: string): ParsedManifest {
  let doc: unknown;
  try {
    doc = JSON.parse(body.toString('utf8'));
  } catch {
    throw invalid('manifest is not valid JSON');
  }
  if (!isRecord(doc)) throw invalid('manifest must be a JSON object');
  const field = typeof doc.mediaType === 'string' ? doc.mediaType : undefined;
  const generic =
    contentType === '' || contentType === 'application/json' || contentType === 'application/octet-stream';
  const mediaType = generic
    ? (field ?? (Array.isArray(doc.manifests) ? OCI_INDEX : OCI_MANIFEST))
    : contentType;
  if ((DOCKER_SCHEMA1 as readonly string[]).includes(mediaType)) {
    throw invalid('Docker schema 1 manifests are not supported; push schema 2 or OCI');
  }
  if (!manifestMediaTypes.includes(mediaType)) throw invalid(`unsupported manifest media type ${mediaType}`);
  if (field !== undefined && field !== mediaType) {
    throw invalid(`mediaType ${field} does not match Content-Type ${mediaType}`);
  }
  if (doc.schemaVersion !== 2) throw invalid('schemaVersion must be 2');

  const parsed: ParsedManifest = { mediaType, blobs: [], manifests: [] };
  if (isIndexType(mediaType)) {
    if (!Array.isArray(doc.manifests)) throw invalid('manifests must be an array');
    parsed.manifests = descriptorList(doc.manifests, 'manifests');
  } else {
    if (doc.config === undefined) throw invalid('config is required');
    const config = descriptor(doc.config, 'config');
    const layers = descriptorList(doc.layers, 'layers');
    // Foreign (non-distributable) layers carry urls and live elsewhere: nothing to check or keep.
    parsed.blobs = [config, ...layers.filter((l) => !l.urls)];
    parsed.artifactType = config.mediaType;
  }
  if (typeof doc.artifactType === 'string' && doc.artifactType !== '') parsed.artifactType = doc.artifactType;
  if (doc.subject !== undefined) parsed.subject = descriptor(doc.subject, 'subject');
  const annotations = stringMap(doc.annotations, 'manifest');
  if (annotations) parsed.annotations = annotations;
  return parsed;
}
