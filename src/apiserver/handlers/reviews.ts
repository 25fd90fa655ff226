/**
 * The review kinds: questions to the server, answered and not stored. SelfSubjectAccessReview and
 * SubjectAccessReview ask the authorizer; SelfSubjectRulesReview lists the rules the authorizer grants
 * the requester in spec.namespace (RBAC's, when wired);
 * TokenReview asks the authenticators; SelfSubjectReview says who you are.
 */
import type { IncomingMessage } from 'node:http';
import { badRequest } from '../../api/errors.ts';
import { isObject } from '../../api/object.ts';
import type { Authenticator } from '../authn/authenticator.ts';
import type { UserInfo } from '../authn/user.ts';
import type { Attributes, Authorizer } from '../authz/authorizer.ts';
import { writeJson } from '../http/respond.ts';
import { bodyOf } from './pod-subresources.ts';
import type { SubresourceHandler } from './resource.ts';

function attributesFrom(spec: Record<string, unknown>, user: UserInfo, namespace?: string): Attributes {
  const ra = isObject(spec.resourceAttributes) ? spec.resourceAttributes : undefined;
  const nra = isObject(spec.nonResourceAttributes) ? spec.nonResourceAttributes : undefined;
  if (ra) {
    return {
      user,
      verb: String(ra.verb ?? ''),
      isResourceRequest: true,
      group: String(ra.group ?? ''),
      resource: String(ra.resource ?? ''),
      subresource: String(ra.subresource ?? ''),
      namespace: namespace ?? String(ra.namespace ?? ''),
      name: String(ra.name ?? ''),
    };
  }
  if (nra)
    return { user, verb: String(nra.verb ?? ''), isResourceRequest: false, path: String(nra.path ?? '') };
  throw badRequest('exactly one of spec.resourceAttributes and spec.nonResourceAttributes must be set');
}

function reply(kind: string, group: string, body: Record<string, unknown>, status: Record<string, unknown>) {
  return {
    kind,
    apiVersion: `${group}/v1`,
    metadata: { creationTimestamp: null, ...(isObject(body.metadata) ? body.metadata : {}) },
    spec: body.spec ?? {},
    status,
  };
}

export function reviewHandlers(
  authorizer: Authorizer,
  authenticator: Authenticator,
): Map<string, SubresourceHandler> {
  const m = new Map<string, SubresourceHandler>();
  const access =
    (self: boolean, local: boolean): SubresourceHandler =>
    async (req: IncomingMessage, res, info, kind, c) => {
      const body = await bodyOf(req);
      const spec = isObject(body.spec) ? body.spec : {};
      const user: UserInfo = self
        ? c.user
        : {
            name: String(spec.user ?? ''),
            uid: spec.uid ? String(spec.uid) : undefined,
            groups: Array.isArray(spec.groups) ? spec.groups.map(String) : [],
          };
      const d = await authorizer.authorize(attributesFrom(spec, user, local ? info.namespace : undefined));
      writeJson(
        res,
        201,
        reply(kind.kind, 'authorization.k8s.io', body, {
          allowed: d.allowed,
          ...(d.reason ? { reason: d.reason } : {}),
        }),
      );
    };
  m.set('authorization.k8s.io/selfsubjectaccessreviews/', access(true, false));
  m.set('authorization.k8s.io/subjectaccessreviews/', access(false, false));
  m.set('authorization.k8s.io/localsubjectaccessreviews/', access(false, true));
  m.set('authorization.k8s.io/selfsubjectrulesreviews/', async (req, res, _info, kind, c) => {
    const body = await bodyOf(req);
    const spec = isObject(body.spec) ? body.spec : {};
    const namespace = typeof spec.namespace === 'string' ? spec.namespace : '';
    const rules = authorizer.rulesFor?.(c.user, namespace);
    const resourceRules = (rules ?? [])
      .filter((r) => r.nonResourceURLs.length === 0)
      .map((r) => ({
        verbs: r.verbs,
        apiGroups: r.apiGroups,
        resources: r.resources,
        ...(r.resourceNames.length ? { resourceNames: r.resourceNames } : {}),
      }));
    const nonResourceRules = (rules ?? [])
      .filter((r) => r.nonResourceURLs.length > 0)
      .map((r) => ({ verbs: r.verbs, nonResourceURLs: r.nonResourceURLs }));
    const status: Record<string, unknown> = {
      resourceRules,
      nonResourceRules,
      incomplete: rules === undefined,
    };
    if (rules === undefined) status.evaluationError = 'the authorizer cannot list rules';
    writeJson(res, 201, reply(kind.kind, 'authorization.k8s.io', body, status));
  });
  m.set('authentication.k8s.io/selfsubjectreviews/', async (req, res, _info, kind, c) => {
    const body = await bodyOf(req);
    const u = c.user;
    writeJson(res, 201, {
      kind: kind.kind,
      apiVersion: 'authentication.k8s.io/v1',
      metadata: { creationTimestamp: null },
      status: {
        userInfo: {
          username: u.name,
          ...(u.uid ? { uid: u.uid } : {}),
          groups: u.groups,
          ...(u.extra ? { extra: u.extra } : {}),
        },
      },
      ...(isObject(body.metadata) ? {} : {}),
    });
  });
  m.set('authentication.k8s.io/tokenreviews/', async (req, res, _info, kind) => {
    const body = await bodyOf(req);
    const spec = isObject(body.spec) ? body.spec : {};
    const token = typeof spec.token === 'string' ? spec.token : '';
    if (!token) throw badRequest('spec.token: Required value');
    // Ask the authenticators about a synthetic request carrying only this bearer token.
    const fake = { headers: { authorization: `Bearer ${token}` }, socket: {} } as unknown as IncomingMessage;
    let status: Record<string, unknown>;
    try {
      const u = await authenticator.authenticate(fake);
      status = u
        ? {
            authenticated: true,
            user: { username: u.name, uid: u.uid, groups: u.groups, extra: u.extra },
            audiences: Array.isArray(spec.audiences) ? spec.audiences : undefined,
          }
        : { authenticated: false, error: 'token not recognized' };
    } catch {
      status = { authenticated: false, error: 'invalid bearer token' };
    }
    writeJson(res, 201, reply(kind.kind, 'authentication.k8s.io', body, status));
  });
  return m;
}
