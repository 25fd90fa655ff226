/**
 * JSON Patch (RFC 6902): `application/json-patch+json` bodies, a list of add / remove / replace /
 * move / copy / test operations applied in order. The input document is never changed; a failed
 * operation throws an Error whose message names the operation and the problem, which the API server
 * reports to the client (kubectl rollout undo and `kubectl patch --type=json` send these).
 */
import { isObject } from '../object.ts';
import { jsonEqual, parsePointer } from './pointer.ts';

/** One operation as it arrives in the body. */
export interface JsonPatchOperation {
  op: 'add' | 'remove' | 'replace' | 'move' | 'copy' | 'test';
  path: string;
  value?: unknown;
  from?: string;
}

type Container = Record<string, unknown> | unknown[];

const INDEX = /^(0|[1-9]\d*)$/;

class PatchFailure extends Error {}

function arrayIndex(arr: unknown[], token: string, forAdd: boolean): number {
  if (forAdd && token === '-') return arr.length;
  if (!INDEX.test(token)) throw new PatchFailure(`${JSON.stringify(token)} is not a valid array index`);
  const i = Number(token);
  if (forAdd ? i > arr.length : i >= arr.length)
    throw new PatchFailure(`array index ${i} is out of bounds (length ${arr.length})`);
  return i;
}

/** Walks to the container that holds the last token of `tokens`. */
function parentOf(doc: unknown, tokens: string[]): Container {
  let cur = doc;
  for (const token of tokens.slice(0, -1)) {
    if (Array.isArray(cur)) cur = cur[arrayIndex(cur, token, false)];
    else if (isObject(cur) && Object.hasOwn(cur, token)) cur = cur[token];
    else throw new PatchFailure('path not found');
  }
  if (!Array.isArray(cur) && !isObject(cur)) throw new PatchFailure('parent is not an object or array');
  return cur;
}

function get(doc: unknown, tokens: string[]): unknown {
  if (tokens.length === 0) return doc;
  const parent = parentOf(doc, tokens);
  const last = tokens[tokens.length - 1]!;
  if (Array.isArray(parent)) return parent[arrayIndex(parent, last, false)];
  if (!Object.hasOwn(parent, last)) throw new PatchFailure('path not found');
  return parent[last];
}

/** Adds at `tokens`; returns the new document (only different when replacing the root). */
function add(doc: unknown, tokens: string[], value: unknown): unknown {
  if (tokens.length === 0) return value;
  const parent = parentOf(doc, tokens);
  const last = tokens[tokens.length - 1]!;
  if (Array.isArray(parent)) parent.splice(arrayIndex(parent, last, true), 0, value);
  else parent[last] = value;
  return doc;
}

function remove(doc: unknown, tokens: string[]): unknown {
  if (tokens.length === 0) throw new PatchFailure('cannot remove the whole document');
  const parent = parentOf(doc, tokens);
  const last = tokens[tokens.length - 1]!;
  if (Array.isArray(parent)) {
    const i = arrayIndex(parent, last, false);
    const [removed] = parent.splice(i, 1);
    return removed;
  }
  if (!Object.hasOwn(parent, last)) throw new PatchFailure('path not found');
  const removed = parent[last];
  delete parent[last];
  return removed;
}

function replace(doc: unknown, tokens: string[], value: unknown): unknown {
  if (tokens.length === 0) return value;
  const parent = parentOf(doc, tokens);
  const last = tokens[tokens.length - 1]!;
  if (Array.isArray(parent)) parent[arrayIndex(parent, last, false)] = value;
  else if (Object.hasOwn(parent, last)) parent[last] = value;
  else throw new PatchFailure('path not found');
  return doc;
}

function pointerField(op: Record<string, unknown>, name: 'path' | 'from'): string {
  const v = op[name];
  if (typeof v !== 'string') throw new PatchFailure(`missing or non-string "${name}"`);
  return v;
}

function requireValue(op: Record<string, unknown>): unknown {
  if (!Object.hasOwn(op, 'value')) throw new PatchFailure('missing "value"');
  return structuredClone(op.value);
}

/**
 * Applies a JSON patch to a copy of `doc` and returns the result. Throws an Error (message starts
 * with `json patch:`) when the patch is malformed or an operation cannot apply.
 */
export function applyJsonPatch(doc: unknown, patch: unknown): unknown {
  if (!Array.isArray(patch)) throw new Error('json patch: the patch must be a JSON array of operations');
  let result = structuredClone(doc);
  patch.forEach((raw, index) => {
    let label = `operation ${index}`;
    try {
      if (!isObject(raw)) throw new PatchFailure('an operation must be a JSON object');
      const op = raw.op;
      const path = pointerField(raw, 'path');
      label = `operation ${index} (${String(op)} ${path})`;
      const tokens = parsePointer(path);
      switch (op) {
        case 'add':
          result = add(result, tokens, requireValue(raw));
          break;
        case 'remove':
          remove(result, tokens);
          break;
        case 'replace':
          result = replace(result, tokens, requireValue(raw));
          break;
        case 'move': {
          const from = pointerField(raw, 'from');
          const fromTokens = parsePointer(from);
          if (from !== path && path.startsWith(from + '/'))
            throw new PatchFailure('cannot move a value into one of its own children');
          if (from === path) break;
          if (fromTokens.length === 0) throw new PatchFailure('cannot move the whole document');
          const value = remove(result, fromTokens);
          result = add(result, tokens, value);
          break;
        }
        case 'copy': {
          const value = structuredClone(get(result, parsePointer(pointerField(raw, 'from'))));
          result = add(result, tokens, value);
          break;
        }
        case 'test':
          if (!jsonEqual(get(result, tokens), raw.value))
            throw new PatchFailure('test failed: the value differs');
          break;
        default:
          throw new PatchFailure(`unknown operation ${JSON.stringify(op)}`);
      }
    } catch (err) {
      if (
        err instanceof PatchFailure ||
        (err instanceof Error && err.message.startsWith('invalid JSON pointer'))
      ) {
        throw new Error(`json patch: ${label}: ${err.message}`, { cause: err });
      }
      throw err;
    }
  });
  return result;
}
