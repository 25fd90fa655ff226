import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { IncomingMessage } from 'node:http';
import { StatusError } from '../../api/errors.ts';
import type { UserInfo } from '../authn/user.ts';
import type { Attributes, Authorizer } from './authorizer.ts';
import { impersonate, wantsImpersonation } from './impersonation.ts';

const bob: UserInfo = { name: 'bob', groups: ['system:authenticated'] };

/** An authorizer that records what it was asked and allows what `allow` says. */
function recording(allow: (a: Attributes) => boolean): Authorizer & { asked: string[] } {
  const asked: string[] = [];
  return {
    asked,
    authorize(a) {
      asked.push(
        `${a.verb} ${a.group}/${a.resource}${a.subresource ? '/' + a.subresource : ''} ${a.namespace ?? ''}/${a.name}`,
      );
      return { allowed: allow(a) };
    },
  };
}

function req(
  headers: Record<string, string | string[]>,
): Pick<IncomingMessage, 'headers' | 'headersDistinct'> {
  const lower = Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v]));
  const distinct = Object.fromEntries(Object.entries(lower).map(([k, v]) => [k, Array.isArray(v) ? v : [v]]));
  return { headers: lower as IncomingMessage['headers'], headersDistinct: distinct };
}

async function forbiddenWith(p: Promise<unknown>, message: string): Promise<void> {
  await assert.rejects(
    p,
    (err: unknown) => err instanceof StatusError && err.code === 403 && err.message === message,
  );
}

describe('impersonate', () => {
  test('no headers: the requester itself, nothing asked', async () => {
    const z = recording(() => true);
    assert.equal(wantsImpersonation(req({ accept: 'x' })), false);
    assert.equal(await impersonate(req({}), bob, z), bob);
    assert.deepEqual(z.asked, []);
  });

  test('user and groups, each checked', async () => {
    const z = recording(() => true);
    const u = await impersonate(
      req({ 'Impersonate-User': 'alice', 'Impersonate-Group': ['devs', 'ops'] }),
      bob,
      z,
    );
    assert.deepEqual(u, { name: 'alice', groups: ['devs', 'ops', 'system:authenticated'] });
    assert.deepEqual(z.asked, [
      'impersonate /users /alice',
      'impersonate /groups /devs',
      'impersonate /groups /ops',
    ]);
  });

  test('a service account is checked as serviceaccounts in its namespace and gets the SA groups', async () => {
    const z = recording(() => true);
    const u = await impersonate(req({ 'Impersonate-User': 'system:serviceaccount:prod:builder' }), bob, z);
    assert.deepEqual(u.groups, [
      'system:serviceaccounts',
      'system:serviceaccounts:prod',
      'system:authenticated',
    ]);
    assert.deepEqual(z.asked, ['impersonate /serviceaccounts prod/builder']);
  });

  test('uid and extras are checked in authentication.k8s.io', async () => {
    const z = recording(() => true);
    const u = await impersonate(
      req({
        'Impersonate-User': 'alice',
        'Impersonate-Uid': 'u-1',
        'Impersonate-Extra-Team%2fName': ['a', 'b'],
      }),
      bob,
      z,
    );
    assert.equal(u.uid, 'u-1');
    assert.deepEqual(u.extra, { 'team/name': ['a', 'b'] });
    assert.deepEqual(z.asked.slice(1), [
      'impersonate authentication.k8s.io/uids /u-1',
      'impersonate authentication.k8s.io/userextras/team/name /a',
      'impersonate authentication.k8s.io/userextras/team/name /b',
    ]);
  });

  test('anonymous gets system:unauthenticated', async () => {
    const u = await impersonate(
      req({ 'Impersonate-User': 'system:anonymous' }),
      bob,
      recording(() => true),
    );
    assert.deepEqual(u.groups, ['system:unauthenticated']);
  });

  test('forbidden user, in Kubernetes wording', async () => {
    await forbiddenWith(
      impersonate(
        req({ 'Impersonate-User': 'alice' }),
        bob,
        recording(() => false),
      ),
      'users "alice" is forbidden: User "bob" cannot impersonate resource "users" in API group "" at the cluster scope',
    );
  });

  test('forbidden group', async () => {
    await forbiddenWith(
      impersonate(
        req({ 'Impersonate-User': 'alice', 'Impersonate-Group': 'system:masters' }),
        bob,
        recording((a) => a.resource === 'users'),
      ),
      'groups "system:masters" is forbidden: User "bob" cannot impersonate resource "groups" in API group "" at the cluster scope',
    );
  });

  test('forbidden service account names its namespace', async () => {
    await forbiddenWith(
      impersonate(
        req({ 'Impersonate-User': 'system:serviceaccount:prod:builder' }),
        bob,
        recording(() => false),
      ),
      'serviceaccounts "builder" is forbidden: User "bob" cannot impersonate resource "serviceaccounts" in API group "" in the namespace "prod"',
    );
  });

  test('groups without a user is a bad request', async () => {
    await assert.rejects(
      impersonate(
        req({ 'Impersonate-Group': 'devs' }),
        bob,
        recording(() => true),
      ),
      (e: unknown) => e instanceof StatusError && e.code === 400,
    );
  });
});
