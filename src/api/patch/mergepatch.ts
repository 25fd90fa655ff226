/**
 * JSON Merge Patch (RFC 7386): `application/merge-patch+json` bodies. Objects merge key by key,
 * `null` deletes a key, and anything else (lists included) replaces what was there. This is what
 * kubectl sends for kinds it has no strategic-merge metadata for (custom resources) and for
 * `kubectl scale`.
 */
import { isObject } from '../object.ts';

function mergeInto(target: unknown, patch: unknown): unknown {
  if (!isObject(patch)) return patch;
  const result: Record<string, unknown> = isObject(target) ? target : {};
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete result[key];
    else result[key] = mergeInto(result[key], value);
  }
  return result;
}

/** Returns a new document: `target` with `patch` merged in. Neither input is changed or shared. */
export function mergePatch(target: unknown, patch: unknown): unknown {
  return mergeInto(structuredClone(target), structuredClone(patch));
}
