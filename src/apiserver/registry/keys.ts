/**
 * Where objects live in the store, and the opaque continue tokens of paged lists.
 * Keys: /registry/GROUP/RESOURCE/NAMESPACE/NAME (namespaced) or /registry/GROUP/RESOURCE/NAME, with
 * `core` for the legacy group. Prefixes always end in '/' so `default/` never matches `default2/`.
 */
import { badRequest } from '../../api/errors.ts';

export function resourcePrefix(group: string, resource: string): string {
  return `/registry/${group || 'core'}/${resource}/`;
}

export function namespacePrefix(group: string, resource: string, namespace: string): string {
  return `${resourcePrefix(group, resource)}${namespace}/`;
}

export function objectKey(group: string, resource: string, namespace: string, name: string): string {
  return namespace
    ? `${namespacePrefix(group, resource, namespace)}${name}`
    : `${resourcePrefix(group, resource)}${name}`;
}

export interface ContinueToken {
  /** The revision the first page was read at; later pages read the same snapshot. */
  rv: number;
  /** The last key returned; the next page starts after it. */
  start: string;
}

export function encodeContinue(t: ContinueToken): string {
  return Buffer.from(JSON.stringify({ v: 'meta.k8s.io/v1', rv: t.rv, start: t.start })).toString('base64url');
}

export function decodeContinue(token: string, prefix: string): ContinueToken {
  try {
    const t = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as {
      v?: string;
      rv?: unknown;
      start?: unknown;
    };
    if (
      t.v === 'meta.k8s.io/v1' &&
      typeof t.rv === 'number' &&
      typeof t.start === 'string' &&
      t.start.startsWith(prefix)
    ) {
      return { rv: t.rv, start: t.start };
    }
  } catch {
    // fall through to the error below
  }
  throw badRequest('invalid continue token');
}
