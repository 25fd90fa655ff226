import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Attributes } from './authorizer.ts';
import {
  nonResourceURLMatches,
  resourceMatches,
  ruleAllows,
  ruleToJson,
  toPolicyRule,
  type PolicyRule,
} from './rules.ts';

const user = { name: 'u', groups: [] };

function rule(r: Partial<PolicyRule>): PolicyRule {
  return toPolicyRule(r);
}

function res(verb: string, group: string, resource: string, extra: Partial<Attributes> = {}): Attributes {
  return { user, verb, isResourceRequest: true, group, resource, namespace: 'ns', ...extra };
}

describe('resourceMatches', () => {
  const cases: [string[], string, string, boolean][] = [
    [['pods'], 'pods', '', true],
    [['pods'], 'pods', 'log', false],
    [['pods/log'], 'pods', 'log', true],
    [['pods/log'], 'pods', '', false],
    [['*'], 'pods', 'log', true],
    [['*/scale'], 'deployments', 'scale', true],
    [['*/scale'], 'deployments', '', false],
    [['*/scale'], 'deployments', 'status', false],
    [['pods/*'], 'pods', 'log', false],
    [['services', 'pods'], 'pods', '', true],
  ];
  for (const [resources, r, sub, want] of cases) {
    test(`${JSON.stringify(resources)} vs ${r}${sub ? '/' + sub : ''}`, () => {
      assert.equal(resourceMatches(rule({ resources }), r, sub), want);
    });
  }
});

describe('nonResourceURLMatches', () => {
  const cases: [string[], string, boolean][] = [
    [['/healthz'], '/healthz', true],
    [['/healthz'], '/healthz/etcd', false],
    [['/healthz/*'], '/healthz/etcd', true],
    [['/apis/*'], '/apis/apps/v1', true],
    [['/apis/*'], '/apis', false],
    [['*'], '/anything', true],
    [['/api'], '/apis', false],
  ];
  for (const [urls, path, want] of cases) {
    test(`${JSON.stringify(urls)} vs ${path}`, () =>
      assert.equal(nonResourceURLMatches(rule({ nonResourceURLs: urls }), path), want));
  }
});

describe('ruleAllows', () => {
  const pods = rule({ verbs: ['get', 'list'], apiGroups: [''], resources: ['pods'] });
  const named = rule({
    verbs: ['get'],
    apiGroups: ['apps'],
    resources: ['deployments'],
    resourceNames: ['web'],
  });
  const urls = rule({ verbs: ['get'], nonResourceURLs: ['/version'] });
  const star = rule({ verbs: ['*'], apiGroups: ['*'], resources: ['*'] });
  const cases: [string, PolicyRule, Attributes, boolean][] = [
    ['verb and resource match', pods, res('list', '', 'pods'), true],
    ['other verb', pods, res('delete', '', 'pods'), false],
    ['other group', pods, res('list', 'apps', 'pods'), false],
    ['subresource not covered', pods, res('get', '', 'pods', { subresource: 'log', name: 'p' }), false],
    ['named object', named, res('get', 'apps', 'deployments', { name: 'web' }), true],
    ['other name', named, res('get', 'apps', 'deployments', { name: 'api' }), false],
    ['list without a name is not covered by resourceNames', named, res('get', 'apps', 'deployments'), false],
    ['non-resource rule never allows resources', urls, res('get', '', 'version'), false],
    ['non-resource path', urls, { user, verb: 'get', isResourceRequest: false, path: '/version' }, true],
    [
      'resource rule never allows paths',
      star,
      { user, verb: 'get', isResourceRequest: false, path: '/version' },
      false,
    ],
    ['wildcards', star, res('escalate', 'rbac.authorization.k8s.io', 'clusterroles', { name: 'x' }), true],
  ];
  for (const [name, r, a, want] of cases) test(name, () => assert.equal(ruleAllows(a, r), want));
});

test('toPolicyRule tolerates junk and ruleToJson drops empty optional lists', () => {
  assert.deepEqual(toPolicyRule({ verbs: ['get', 3], resources: 'pods' }), {
    verbs: ['get'],
    apiGroups: [],
    resources: [],
    resourceNames: [],
    nonResourceURLs: [],
  });
  assert.deepEqual(ruleToJson(rule({ verbs: ['get'], nonResourceURLs: ['/x'] })), {
    verbs: ['get'],
    nonResourceURLs: ['/x'],
  });
  assert.deepEqual(ruleToJson(rule({ verbs: ['get'], apiGroups: [''], resources: ['pods'] })), {
    verbs: ['get'],
    apiGroups: [''],
    resources: ['pods'],
  });
});
