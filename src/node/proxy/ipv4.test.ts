import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cidrContains, formatIpv4, parseIpv4, parseIpv4Cidr, usableAddresses } from './ipv4.ts';

test('parse and format IPv4', () => {
  for (const [text, n] of [
    ['0.0.0.0', 0],
    ['10.96.0.1', 0x0a600001],
    ['255.255.255.255', 0xffffffff],
  ] as const) {
    assert.equal(parseIpv4(text), n);
    assert.equal(formatIpv4(n), text);
  }
  for (const bad of [
    '1.2.3',
    '1.2.3.256',
    'a.b.c.d',
    '1.2.3.4.5',
    '',
    'fd00::1',
    '1..2.3',
    '.1.2.3',
    '1.2.3.',
    '1.2.3.0004',
    ' 1.2.3.4',
  ])
    assert.equal(parseIpv4(bad), undefined);
});

test('CIDRs: normalised, membership, usable addresses', () => {
  assert.equal(parseIpv4Cidr('10.96.3.7/12').text, '10.96.0.0/12');
  assert.equal(parseIpv4Cidr('192.0.2.7').text, '192.0.2.7/32');
  assert.throws(() => parseIpv4Cidr('10.0.0.0/33'));
  const c = parseIpv4Cidr('172.31.0.0/24');
  assert.ok(cidrContains(c, '172.31.0.200'));
  assert.ok(!cidrContains(c, '172.31.1.0'));
  assert.deepEqual([...usableAddresses(parseIpv4Cidr('172.31.0.0/30'))], ['172.31.0.1', '172.31.0.2']);
  assert.deepEqual([...usableAddresses(parseIpv4Cidr('172.31.0.9/32'))], ['172.31.0.9']);
});
