/**
 * Reads an API path the way Kubernetes lays them out:
 *   /api/v1[/namespaces/NS]/RESOURCE[/NAME[/SUBRESOURCE]]
 *   /apis/GROUP/VERSION[/namespaces/NS]/RESOURCE[/NAME[/SUBRESOURCE]]
 * and names the verb (get, list, watch, create, update, patch, delete, deletecollection) the
 * authorizer and the handlers reason about.
 */

import { badRequest } from '../api/errors.ts';

export type Verb = 'get' | 'list' | 'watch' | 'create' | 'update' | 'patch' | 'delete' | 'deletecollection';

export interface ResourceRequest {
  isResourceRequest: true;
  verb: Verb;
  group: string;
  version: string;
  namespace: string;
  resource: string;
  name: string;
  subresource: string;
}

export interface NonResourceRequest {
  isResourceRequest: false;
  verb: string;
  path: string;
}

export type RequestInfo = ResourceRequest | NonResourceRequest;

const namespaceSubresources = new Set(['status', 'finalize']);

/**
 * Pod subresources that open a stream into the pod. kubectl asks for them with a GET carrying a
 * WebSocket upgrade (POST for SPDY); either way Kubernetes authorizes them as `create`, so a
 * read-only role (`get pods/exec`) never opens a shell.
 */
const podConnectSubresources = new Set(['exec', 'attach', 'portforward']);

const verbs: Record<string, Verb> = {
  POST: 'create',
  PUT: 'update',
  PATCH: 'patch',
};

/** Parses method + path (+ the watch query flag) into a RequestInfo. */
export function requestInfo(method: string, pathname: string, query: URLSearchParams): RequestInfo {
  const parts: string[] = [];
  for (const p of pathname.split('/')) if (p !== '') parts.push(p);
  const nonResource = (): NonResourceRequest => ({
    isResourceRequest: false,
    verb: method.toLowerCase(),
    path: pathname,
  });
  let group: string;
  let version: string;
  let from: number;
  if (parts[0] === 'api' && parts.length >= 3) {
    group = '';
    version = parts[1];
    from = 2;
  } else if (parts[0] === 'apis' && parts.length >= 4) {
    group = parts[1];
    version = parts[2];
    from = 3;
  } else {
    return nonResource();
  }
  let rest = parts.slice(from);
  for (let i = 0; i < rest.length; i++) {
    if (!rest[i].includes('%')) continue;
    try {
      rest[i] = decodeURIComponent(rest[i]);
    } catch {
      throw badRequest(`the request path ${JSON.stringify(pathname)} has a malformed percent-escape`);
    }
  }
  let namespace = '';
  // /namespaces/NS/RESOURCE... is a namespaced request; /namespaces[/NAME[/SUB]] is the namespaces resource.
  // (/namespaces/NAME/status and /finalize are the namespace's own subresources.)
  if (rest[0] === 'namespaces' && rest.length >= 3 && !namespaceSubresources.has(rest[2])) {
    namespace = rest[1];
    rest = rest.slice(2);
  }
  const [resource, name = '', subresource = ''] = rest;
  if (rest.length > 3) return nonResource();
  let verb: Verb;
  const m = method.toUpperCase();
  if (m === 'GET' || m === 'HEAD') {
    const watch = query.get('watch');
    verb = name ? 'get' : watch === 'true' || watch === '1' ? 'watch' : 'list';
    if (name && (watch === 'true' || watch === '1')) verb = 'watch';
    if (group === '' && resource === 'pods' && podConnectSubresources.has(subresource)) verb = 'create';
  } else if (m === 'DELETE') {
    verb = name ? 'delete' : 'deletecollection';
  } else if (verbs[m]) {
    verb = verbs[m];
  } else {
    return nonResource();
  }
  return { isResourceRequest: true, verb, group, version, namespace, resource, name, subresource };
}
