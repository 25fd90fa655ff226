import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseIpv4 } from '../proxy/ipv4.ts';
import { cidrRange, ipBlockRanges, normalizeRanges, rangeText } from './addr.ts';
import type { AddrRange } from './types.ts';

const ip = (s: string): number => parseIpv4(s)!;
const texts = (rs: AddrRange[]): string[] => rs.map(rangeText);

test('cidrRange', () => {
  assert.deepEqual(texts([cidrRange('10.0.0.0/24')!]), ['10.0.0.0-10.0.0.255']);
  assert.deepEqual(texts([cidrRange('10.0.0.7/32')!]), ['10.0.0.7']);
  assert.deepEqual(texts([cidrRange('10.0.0.7/24')!]), ['10.0.0.0-10.0.0.255']); // host bits dropped
  assert.deepEqual(texts([cidrRange('0.0.0.0/0')!]), ['0.0.0.0-255.255.255.255']);
  assert.equal(cidrRange('fd00::/8'), undefined);
  assert.equal(cidrRange('nonsense'), undefined);
});

test('ipBlockRanges subtracts every except block', () => {
  const cases: [string, string[], string[]][] = [
    ['10.0.0.0/24', [], ['10.0.0.0-10.0.0.255']],
    ['10.0.0.0/24', ['10.0.0.0/25'], ['10.0.0.128-10.0.0.255']],
    ['10.0.0.0/24', ['10.0.0.16/28', '10.0.0.255/32'], ['10.0.0.0-10.0.0.15', '10.0.0.32-10.0.0.254']],
    ['10.0.0.0/24', ['10.0.0.0/24'], []],
    ['10.0.0.0/24', ['10.0.1.0/24', 'fd00::/8'], ['10.0.0.0-10.0.0.255']],
    ['0.0.0.0/0', ['10.0.0.0/8'], ['0.0.0.0-9.255.255.255', '11.0.0.0-255.255.255.255']],
    ['fd00::/8', [], []],
  ];
  for (const [cidr, except, want] of cases) assert.deepEqual(texts(ipBlockRanges(cidr, except)), want, cidr);
});

test('normalizeRanges merges overlaps, keeps adjacent ranges apart', () => {
  const got = normalizeRanges([
    [ip('10.0.0.5'), ip('10.0.0.5')],
    [ip('10.0.0.0'), ip('10.0.0.255')],
    [ip('10.0.1.0'), ip('10.0.1.0')],
    [ip('10.0.1.1'), ip('10.0.1.1')],
    [ip('9.0.0.0'), ip('9.0.0.0')],
  ]);
  assert.deepEqual(texts(got), ['9.0.0.0', '10.0.0.0-10.0.0.255', '10.0.1.0', '10.0.1.1']);
});
