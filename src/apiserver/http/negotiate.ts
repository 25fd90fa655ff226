/**
 * Response negotiation: what the client's Accept header asks for. kubectl asks for Tables
 * (`application/json;as=Table;v=v1;g=meta.k8s.io`) for `get`, for aggregated discovery
 * (`…;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList`) for discovery, and for plain JSON otherwise.
 * Protobuf is never answered (JSON is always acceptable to Kubernetes clients).
 */

export interface MediaRange {
  type: string;
  params: Record<string, string>;
}

/** Parses an Accept header into media ranges in the order given. */
export function parseAccept(accept: string | undefined): MediaRange[] {
  if (!accept) return [];
  return accept.split(',').map((part) => {
    const [type, ...params] = part.split(';').map((x) => x.trim());
    const p: Record<string, string> = {};
    for (const kv of params) {
      const eq = kv.indexOf('=');
      if (eq > 0) p[kv.slice(0, eq).trim()] = kv.slice(eq + 1).trim();
    }
    return { type: type.toLowerCase(), params: p };
  });
}

export type Rendering = 'object' | 'table' | 'metadata';

/** Which representation of objects to answer with, given the Accept header. */
export function renderingFor(accept: string | undefined): Rendering {
  // The common answers without parsing: no Accept, or plain JSON (client-go's default), or anything.
  if (accept === undefined || accept === '' || accept === 'application/json' || accept === '*/*')
    return 'object';
  for (const r of parseAccept(accept)) {
    if (r.type !== 'application/json' && r.type !== '*/*' && r.type !== 'application/*') continue;
    if (r.params.as === 'Table' && r.params.g === 'meta.k8s.io') return 'table';
    if (
      (r.params.as === 'PartialObjectMetadata' || r.params.as === 'PartialObjectMetadataList') &&
      r.params.g === 'meta.k8s.io'
    ) {
      return 'metadata';
    }
    if (!r.params.as) return 'object';
  }
  return 'object';
}

export const aggregatedDiscoveryType = 'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList';

/** True when the client accepts aggregated discovery v2 ahead of the legacy lists. */
export function wantsAggregatedDiscovery(accept: string | undefined): boolean {
  for (const r of parseAccept(accept)) {
    if (
      r.params.g === 'apidiscovery.k8s.io' &&
      r.params.as === 'APIGroupDiscoveryList' &&
      r.params.v === 'v2'
    ) {
      return true;
    }
    if (r.type === 'application/json' && !r.params.as) return false;
  }
  return false;
}
