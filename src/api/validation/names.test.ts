import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  isCIdentifier,
  isConfigMapKey,
  isDNS1035Label,
  isDNS1123Label,
  isDNS1123Subdomain,
  isEnvVarName,
  isIPv6,
  isQualifiedName,
  isRelaxedEnvVarName,
  isValidIP,
  isValidLabelValue,
  isValidPortName,
} from './names.ts';

const cases: [string, (s: string) => string[], string, boolean][] = [
  ['label ok', isDNS1123Label, 'my-name', true],
  ['label digits first', isDNS1123Label, '123-abc', true],
  ['label upper', isDNS1123Label, 'My', false],
  ['label trailing dash', isDNS1123Label, 'a-', false],
  ['label too long', isDNS1123Label, 'a'.repeat(64), false],
  ['subdomain dotted', isDNS1123Subdomain, 'a.b.c', true],
  ['subdomain double dot', isDNS1123Subdomain, 'a..b', false],
  ['subdomain 254', isDNS1123Subdomain, 'a'.repeat(254), false],
  ['1035 ok', isDNS1035Label, 'svc-1', true],
  ['1035 digit first', isDNS1035Label, '1svc', false],
  ['qualified plain', isQualifiedName, 'app', true],
  ['qualified prefix', isQualifiedName, 'example.com/My_Name', true],
  ['qualified empty prefix', isQualifiedName, '/a', false],
  ['qualified two slashes', isQualifiedName, 'a/b/c', false],
  ['qualified bad prefix', isQualifiedName, 'Example.com/a', false],
  ['label value empty', isValidLabelValue, '', true],
  ['label value ok', isValidLabelValue, 'v1.2_3', true],
  ['label value space', isValidLabelValue, 'a b', false],
  ['c identifier', isCIdentifier, '_abc9', true],
  ['c identifier digit', isCIdentifier, '9abc', false],
  ['env strict ok', isEnvVarName, 'MY.ENV-name', true],
  ['env strict digit', isEnvVarName, '1X', false],
  ['env strict dotdot', isEnvVarName, '..x', false],
  ['env relaxed digit', isRelaxedEnvVarName, '1X', true],
  ['env relaxed equals', isRelaxedEnvVarName, 'A=B', false],
  ['config key', isConfigMapKey, 'app.properties', true],
  ['config key slash', isConfigMapKey, 'a/b', false],
  ['config key dot', isConfigMapKey, '.', false],
  ['port name', isValidPortName, 'http-alt', true],
  ['port name digits only', isValidPortName, '8080', false],
  ['port name double dash', isValidPortName, 'a--b', false],
  ['port name long', isValidPortName, 'abcdefghijklmnop', false],
  ['ipv4', isValidIP, '10.0.0.1', true],
  ['ipv4 leading zero', isValidIP, '10.0.0.01', false],
  ['ipv6', isValidIP, '2001:db8::1', true],
  ['ipv6 v4 tail', isValidIP, '::ffff:10.0.0.1', true],
  ['not ip', isValidIP, 'example.com', false],
];

for (const [name, fn, input, valid] of cases) {
  test(`names: ${name}`, () => {
    assert.equal(fn(input).length === 0, valid, `${input}: ${fn(input).join('; ')}`);
  });
}

test('names: messages are worded as Kubernetes words them', () => {
  assert.deepEqual(isDNS1123Label('a.b'), ['must not contain dots']);
  assert.deepEqual(isDNS1123Label('A'), [
    "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')",
  ]);
  assert.deepEqual(isQualifiedName('/x'), ['prefix part must be non-empty']);
  assert.ok(isDNS1123Label('a'.repeat(64))[0] === 'must be no more than 63 characters');
  assert.equal(isIPv6('1:2:3:4:5:6:7:8:9'), false);
});
