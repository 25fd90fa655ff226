import { test } from 'node:test';
import assert from 'node:assert/strict';
import { clearedSessionCookie, parseCookies, sessionCookie } from './cookies.ts';

test('parseCookies', () => {
  const cases: [string | string[] | undefined, Record<string, string>][] = [
    [undefined, {}],
    ['', {}],
    ['a=1', { a: '1' }],
    ['a=1; b=2;c=3', { a: '1', b: '2', c: '3' }],
    ['a=1; a=2', { a: '1' }],
    ['a="quoted"', { a: 'quoted' }],
    ['junk; =x; b=2', { b: '2' }],
    ['t=abc==', { t: 'abc==' }],
    [['a=1', 'b=2'], { a: '1', b: '2' }],
  ];
  for (const [header, want] of cases)
    assert.deepEqual(Object.fromEntries(parseCookies(header)), want, String(header));
});

test('session cookie attributes', () => {
  const c = sessionCookie('tok', 3600.7);
  assert.match(c, /^berth_session=tok;/);
  for (const attr of ['HttpOnly', 'Secure', 'SameSite=Strict', 'Path=/', 'Max-Age=3600'])
    assert.ok(c.includes(attr), attr);
  assert.match(clearedSessionCookie(), /Max-Age=0/);
});
