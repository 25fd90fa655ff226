/**
 * Turns a request body into an object fit for the strategy hooks: it must be a JSON object of the
 * kind the URL names, its fields must exist in the kind's schema (fieldValidation=Strict answers 400
 * naming each unknown field, Warn drops them with a warning, Ignore drops them silently), and its
 * values must have the schema's types (422 naming the field).
 */
import { badRequest, invalid, type FieldError } from '../../api/errors.ts';
import { formatApiVersion, isObject, type KubeObject } from '../../api/object.ts';
import type { KindDef } from '../../api/kinds/types.ts';
import type { Definitions } from '../../api/schema/types.ts';
import { checkSchema, pruneUnknown } from '../../api/schema/validate.ts';
import type { RequestContext } from './context.ts';

/** Checks type header, shape and schema; returns the object (mutated in place when pruning). */
export function decodeForWrite(
  body: unknown,
  kind: KindDef,
  defs: Definitions,
  ctx: RequestContext,
): KubeObject {
  if (!isObject(body)) throw badRequest(`the body of the request must be a ${kind.kind} object`);
  const want = formatApiVersion(kind.group, kind.version);
  const apiVersion = body.apiVersion;
  const k = body.kind;
  if (apiVersion !== undefined && apiVersion !== want) {
    throw badRequest(
      `the API version in the data (${String(apiVersion)}) does not match the expected API version (${want})`,
    );
  }
  if (k !== undefined && k !== kind.kind) {
    throw badRequest(`the kind in the data (${String(k)}) does not match the expected kind (${kind.kind})`);
  }
  body.apiVersion = want;
  body.kind = kind.kind;
  if (body.metadata === undefined || body.metadata === null) body.metadata = {};
  if (!isObject(body.metadata)) throw badRequest('metadata must be an object');
  const obj = body as KubeObject;
  const schema = defs[kind.schema];
  if (schema) {
    const result = checkSchema(obj, schema, defs, { strict: true });
    if (result.unknown.length) {
      if (ctx.fieldValidation === 'Strict') {
        const msg = result.unknown.map((f) => `unknown field "${f}"`).join(', ');
        throw badRequest(
          `strict decoding error: ${msg}`,
          result.unknown.map((f) => ({
            reason: 'FieldValueInvalid',
            message: `unknown field "${f}"`,
            field: f,
          })),
        );
      }
      if (ctx.fieldValidation === 'Warn')
        for (const f of result.unknown) ctx.warnings.push(`unknown field "${f}"`);
      pruneUnknown(obj, schema, defs);
    }
    if (result.errors.length) throw invalidObject(kind, obj, result.errors);
  }
  return obj;
}

export function invalidObject(kind: KindDef, obj: KubeObject, errors: FieldError[]) {
  return invalid(kind.kind, kind.group, obj.metadata?.name ?? obj.metadata?.generateName ?? '', errors);
}
