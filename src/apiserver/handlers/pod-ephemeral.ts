/**
 * pods/NAME/ephemeralcontainers: the one way to add debugging containers to a running pod (what
 * `kubectl debug` patches). GET answers the Pod; PUT and PATCH (JSON, merge, strategic merge) may
 * change only spec.ephemeralContainers, and there only by adding entries: existing ones can be
 * neither removed nor changed, and a targetContainerName must name one of the pod's containers.
 * The rest of the body is ignored (taken from the stored pod), as Kubernetes does. The usual pod
 * validation (names unique across all containers, no ports, probes, lifecycle or resources on an
 * ephemeral container) runs in the update path through the pod strategy.
 */
import {
  badRequest,
  conflictModified,
  fieldError,
  invalid,
  StatusError,
  type FieldError,
} from '../../api/errors.ts';
import { isObject, type KubeObject } from '../../api/object.ts';
import { decodeBody, parseJson, patchTypeOf, readBody } from '../http/body.ts';
import { writeJson } from '../http/respond.ts';
import { decodeForWrite } from '../registry/decode.ts';
import { applyPatch } from '../registry/patch.ts';
import { stableStringify } from '../registry/meta.ts';
import { requestContext, type SubresourceHandler } from './resource.ts';

type Obj = Record<string, unknown>;

function list(v: unknown): Obj[] {
  return Array.isArray(v) ? v.filter(isObject) : [];
}

function specOf(o: unknown): Obj {
  return isObject(o) && isObject(o.spec) ? o.spec : {};
}

/**
 * Errors of changing `old`'s ephemeral containers into `next`'s (both pod specs, defaulted):
 * removals, changes, and targets that name no container of the pod.
 */
export function ephemeralContainersUpdateErrors(next: Obj, old: Obj): FieldError[] {
  const errs: FieldError[] = [];
  const path = 'spec.ephemeralContainers';
  const now = new Map(list(next.ephemeralContainers).map((c) => [String(c.name ?? ''), c]));
  for (const prev of list(old.ephemeralContainers)) {
    const name = String(prev.name ?? '');
    const cur = now.get(name);
    if (!cur)
      errs.push(fieldError.forbidden(path, `existing ephemeral containers "${name}" may not be removed`));
    else if (stableStringify(cur) !== stableStringify(prev))
      errs.push(fieldError.forbidden(path, `existing ephemeral containers "${name}" may not be changed`));
  }
  const targets = new Set(
    [...list(next.containers), ...list(next.initContainers)].map((c) => String(c.name ?? '')),
  );
  list(next.ephemeralContainers).forEach((c, i) => {
    const t = c.targetContainerName;
    if (typeof t === 'string' && t !== '' && !targets.has(t))
      errs.push(fieldError.notFound(`${path}[${i}].targetContainerName`, t));
  });
  return errs;
}

/** GET, PUT and PATCH of pods/NAME/ephemeralcontainers; see the file comment. */
export const podEphemeralContainers: SubresourceHandler = async (req, res, info, kind, c, q) => {
  const rs = c.api.storeFor(kind);
  if (info.verb === 'get') return writeJson(res, 200, await rs.get(info.namespace, info.name));
  if (info.verb !== 'update' && info.verb !== 'patch')
    throw new StatusError(
      405,
      'MethodNotAllowed',
      `${info.verb} is not supported on pods/ephemeralcontainers`,
    );
  const ctx = requestContext(c.user, q, req.headers['user-agent']);
  const raw = await readBody(req);
  const patchType = info.verb === 'patch' ? patchTypeOf(req.headers['content-type']) : undefined;
  if (patchType === 'apply') throw badRequest('apply patches are not supported on pods/ephemeralcontainers');
  const input =
    info.verb === 'update' ? decodeBody(raw, req.headers['content-type']) : parseJson(raw.toString('utf8'));
  if (!isObject(input) && !(patchType === 'json' && Array.isArray(input)))
    throw badRequest('the request body must be a JSON object');
  const wantRv = isObject(input) && isObject(input.metadata) ? input.metadata.resourceVersion : undefined;
  const conditional = typeof wantRv === 'string' && wantRv !== '';
  const r = await rs.guaranteedUpdate(
    info.namespace,
    info.name,
    ctx,
    'ephemeralcontainers',
    conditional,
    async (cur) => {
      if (!cur) throw notFoundPod(info.name);
      if (conditional && wantRv !== cur.metadata.resourceVersion)
        throw conflictModified(kind.resource, kind.group, info.name);
      const want =
        info.verb === 'update'
          ? decodeForWrite(JSON.parse(JSON.stringify(input)), kind, rs.registry.definitions, ctx)
          : decodeForWrite(applyPatch(rs, patchType!, cur, input), kind, rs.registry.definitions, ctx);
      const next = JSON.parse(JSON.stringify(cur)) as KubeObject;
      const spec = specOf(next);
      const added = specOf(want).ephemeralContainers;
      if (added === undefined || added === null) delete spec.ephemeralContainers;
      else spec.ephemeralContainers = JSON.parse(JSON.stringify(added)) as unknown;
      kind.strategy.defaults?.(next);
      const errs = ephemeralContainersUpdateErrors(spec, specOf(cur));
      if (errs.length) throw invalid('Pod', '', info.name, errs);
      return next;
    },
  );
  writeJson(res, 200, r.obj);
};

function notFoundPod(name: string): StatusError {
  return new StatusError(404, 'NotFound', `pods "${name}" not found`, { name, kind: 'pods' });
}
