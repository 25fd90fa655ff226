import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseTarget } from './target.ts';

/** What the URL parser makes of a target: the reference parseTarget must match. */
function viaUrl(target: string): { pathname: string; query: [string, string][] } {
  const u = new URL(target, 'https://berth');
  return { pathname: u.pathname, query: [...u.searchParams] };
}

const targets = [
  '/',
  '/api/v1/namespaces/default/configmaps/x',
  '/api/v1/namespaces/default/configmaps?labelSelector=a%3Db,c+in+(x,y)&limit=500',
  '/apis/apps/v1/deployments?watch=true&resourceVersion=12&allowWatchBookmarks=true',
  '/api/v1/pods?fieldSelector=spec.nodeName%3Dn1',
  '/api/v1/namespaces/a b/pods',
  '/api/v1/namespaces/x/pods?labelSelector=app in (a, b)',
  '/api/v1/namespaces/x/pods?q="quoted"&r=\'single\'',
  '/api/v1/x#fragment',
  '/api/v1/x?y=1#fragment',
  '//evil/api/v1/pods',
  '/api\\v1\\pods',
  '/api/v1/./pods',
  '/api/v1/../v1/pods',
  '/api/v1/%2e%2E/pods',
  '/api/v1/namespaces/%E2%9C%93/pods',
  '/api/v1/namespaces/✓/pods?x=✓',
  '/api/v1/pods?a=%zz&b=%',
  '/api/v1/pods?a=1&a=2&&=x&b',
  '/api/v1/pods?',
  '/api/v1/pods/{x}|^[y]`',
  '/version?timeout=32s',
  'http://other.example/api/v1/pods?x=1',
];

test('parseTarget answers what the URL parser answers', () => {
  for (const t of targets) {
    const got = parseTarget(t);
    assert.deepEqual({ pathname: got.pathname, query: [...got.searchParams] }, viaUrl(t), t);
  }
});
