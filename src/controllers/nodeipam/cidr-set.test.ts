import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CidrSet, formatIpv4Cidr, parseIpv4Cidr } from './cidr-set.ts';

test('parseIpv4Cidr normalizes to the network and rejects what is not an IPv4 CIDR', () => {
  const cases: [string, string | RegExp][] = [
    ['10.244.0.0/16', '10.244.0.0/16'],
    ['10.244.7.9/16', '10.244.0.0/16'],
    ['192.168.1.128/25', '192.168.1.128/25'],
    ['0.0.0.0/0', '0.0.0.0/0'],
    ['10.244.0.0', /invalid CIDR "10.244.0.0"/],
    ['10.300.0.0/16', /invalid CIDR/],
    ['10.0.0.0/33', /invalid CIDR/],
    ['fd00::/64', /IPv4/],
  ];
  for (const [input, want] of cases) {
    if (typeof want === 'string') assert.equal(formatIpv4Cidr(parseIpv4Cidr(input)), want, input);
    else assert.throws(() => parseIpv4Cidr(input), want, input);
  }
});

test('mask sizes that do not fit the cluster CIDR are refused with the reason', () => {
  assert.throws(() => new CidrSet('10.244.0.0/16', 8), /must be between \/16 and \/32/);
  assert.throws(() => new CidrSet('10.244.0.0/16', 33), /must be between/);
  assert.throws(() => new CidrSet('10.0.0.0/8', 30), /more than 2\^20 subnets/);
  assert.equal(new CidrSet('10.244.0.0/16', 24).size, 256);
  assert.equal(new CidrSet('10.244.0.0/16', 16).size, 1);
});

test('allocates subnets in order, skips occupied ones, and reports exhaustion', () => {
  const set = new CidrSet('10.244.0.0/22', 24);
  assert.equal(set.occupy('10.244.1.0/24'), true);
  assert.equal(set.allocateNext(), '10.244.0.0/24');
  assert.equal(set.allocateNext(), '10.244.2.0/24');
  assert.equal(set.allocateNext(), '10.244.3.0/24');
  assert.equal(set.allocated, 4);
  assert.equal(set.allocateNext(), undefined);
  set.release('10.244.2.0/24');
  assert.equal(set.allocated, 3);
  assert.equal(set.allocateNext(), '10.244.2.0/24');
});

test('a released subnet is not handed out again before the others', () => {
  const set = new CidrSet('10.244.0.0/16', 24);
  const a = set.allocateNext();
  set.release(a!);
  assert.equal(set.allocateNext(), '10.244.1.0/24');
});

test('occupy accounts for wider and narrower networks and ignores ones outside the range', () => {
  const set = new CidrSet('10.244.0.0/16', 24);
  assert.equal(set.occupy('10.244.8.0/23'), true); // two /24s
  assert.equal(set.isTaken('10.244.8.0/24'), true);
  assert.equal(set.isTaken('10.244.9.0/24'), true);
  assert.equal(set.occupy('10.244.20.64/26'), true); // inside one /24
  assert.equal(set.isTaken('10.244.20.0/24'), true);
  assert.equal(set.allocated, 3);
  assert.equal(set.occupy('10.64.0.0/24'), false);
  assert.equal(set.occupy('10.0.0.0/8'), false);
  assert.equal(set.contains('10.245.0.0/24'), false);
  assert.equal(set.allocated, 3);
  set.occupy('10.244.8.0/24'); // again: no double count
  assert.equal(set.allocated, 3);
});
