/**
 * Manifest media types and Accept negotiation. The registry serves a manifest exactly as pushed (its
 * bytes and its media type); negotiation only decides whether the client may have it. Like the CNCF
 * distribution registry, a client whose Accept header names manifest types but not the stored one
 * gets MANIFEST_UNKNOWN (404) — no conversion between formats is done. No Accept header, `*\/*` or
 * `application/*` accepts anything (distribution 2.x would refuse OCI content then; newer registries
 * serve it, and so does Berth).
 */

export const OCI_MANIFEST = 'application/vnd.oci.image.manifest.v1+json';
export const OCI_INDEX = 'application/vnd.oci.image.index.v1+json';
export const DOCKER_MANIFEST = 'application/vnd.docker.distribution.manifest.v2+json';
export const DOCKER_MANIFEST_LIST = 'application/vnd.docker.distribution.manifest.list.v2+json';
/** Docker schema 1 (signed and unsigned): deprecated, refused on push. */
export const DOCKER_SCHEMA1 = [
  'application/vnd.docker.distribution.manifest.v1+json',
  'application/vnd.docker.distribution.manifest.v1+prettyjws',
] as const;

/** The manifest types Berth stores. */
export const manifestMediaTypes: readonly string[] = [
  OCI_MANIFEST,
  OCI_INDEX,
  DOCKER_MANIFEST,
  DOCKER_MANIFEST_LIST,
];

/** Whether `mediaType` lists other manifests (an index or a manifest list) rather than blobs. */
export function isIndexType(mediaType: string): boolean {
  return mediaType === OCI_INDEX || mediaType === DOCKER_MANIFEST_LIST;
}

/** The bare media type of a Content-Type header: parameters dropped, lowercased. */
export function bareMediaType(contentType: string | undefined): string {
  return (contentType ?? '').split(';')[0]!.trim().toLowerCase();
}

/** The media types listed in one or more Accept headers (q-values ignored, as registries do). */
export function acceptedTypes(accept: string | readonly string[] | undefined): string[] {
  if (accept === undefined) return [];
  const headers = typeof accept === 'string' ? [accept] : accept;
  return headers
    .flatMap((h) => h.split(','))
    .map((t) => bareMediaType(t))
    .filter((t) => t !== '');
}

/** Answers of acceptsManifest for single Accept headers: clients send the same few again and again. */
const acceptCache = new Map<string, boolean>();
const ACCEPT_CACHE_MAX = 256;

/** Whether a client sending `accept` may receive a manifest stored as `stored`. */
export function acceptsManifest(accept: string | readonly string[] | undefined, stored: string): boolean {
  if (typeof accept !== 'string') return matchAccept(accept, stored);
  const key = `${stored}\n${accept}`;
  let ok = acceptCache.get(key);
  if (ok === undefined) {
    ok = matchAccept(accept, stored);
    if (acceptCache.size >= ACCEPT_CACHE_MAX) acceptCache.clear();
    acceptCache.set(key, ok);
  }
  return ok;
}

function matchAccept(accept: string | readonly string[] | undefined, stored: string): boolean {
  const types = acceptedTypes(accept);
  if (types.length === 0) return true;
  return types.some((t) => t === stored || t === '*/*' || t === 'application/*');
}
