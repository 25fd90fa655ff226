import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  isCidr,
  isHost,
  isRegexPath,
  isPlainPath,
  isSize,
  parseListen,
  quote,
  regexLiteral,
  serverName,
} from './nginx-syntax.ts';

test('quote escapes backslash and double quote, refuses control characters', () => {
  const cases: [string, string | Error][] = [
    ['/plain', '"/plain"'],
    ['a"b', '"a\\"b"'],
    ['a\\b', '"a\\\\b"'],
    ['x; } server {', '"x; } server {"'],
    ['line\nbreak', new Error()],
    ['tab\there', new Error()],
    ['nul\u0000', new Error()],
  ];
  for (const [input, want] of cases) {
    if (want instanceof Error) assert.throws(() => quote(input), input);
    else assert.equal(quote(input), want, input);
  }
});

test('value checks', () => {
  const cases: [string, (s: string) => boolean, string, boolean][] = [
    ['host', isHost, 'a.example.com', true],
    ['host', isHost, '*.example.com', true],
    ['host', isHost, 'a.*.com', false],
    ['host', isHost, 'a.com;', false],
    ['host', isHost, 'A.com', false],
    ['host', isHost, 'a.com"', false],
    ['plain path', isPlainPath, '/foo/bar', true],
    ['plain path', isPlainPath, 'foo', false],
    ['plain path', isPlainPath, '/a b', false],
    ['plain path', isPlainPath, '/a\n', false],
    ['regex path', isRegexPath, '/api/(v[0-9]+)/(.*)', true],
    ['regex path', isRegexPath, '/(unclosed', false],
    ['cidr', isCidr, '10.0.0.0/8', true],
    ['cidr', isCidr, '192.168.1.1', true],
    ['cidr', isCidr, '2001:db8::/32', true],
    ['cidr', isCidr, '10.0.0.0/33', false],
    ['cidr', isCidr, '10.0.0.0/8; allow all', false],
    ['size', isSize, '8m', true],
    ['size', isSize, '0', true],
    ['size', isSize, '8 m', false],
    ['size', isSize, '1m;', false],
  ];
  for (const [what, fn, v, want] of cases) assert.equal(fn(v), want, `${what}: ${JSON.stringify(v)}`);
});

test('serverName keeps one-label wildcard semantics', () => {
  assert.equal(serverName('a.example.com'), 'a.example.com');
  const re = new RegExp(serverName('*.example.com').slice(1));
  assert.ok(re.test('foo.example.com'));
  assert.ok(!re.test('a.b.example.com'));
  assert.ok(!re.test('example.com'));
  assert.equal(regexLiteral('/a.b(c)'), '/a\\.b\\(c\\)');
});

test('parseListen', () => {
  assert.deepEqual(parseListen('80'), { address: '80', port: 80 });
  assert.deepEqual(parseListen('127.0.0.1:8080'), { address: '127.0.0.1:8080', port: 8080 });
  assert.deepEqual(parseListen('[::1]:8443'), { address: '[::1]:8443', port: 8443 });
  for (const bad of ['', '70000', 'host:80', '1.2.3.4:80; daemon on', '999.1.1.1:80'])
    assert.throws(() => parseListen(bad), bad);
});
