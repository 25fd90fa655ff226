import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { diffTransaction, fullTransaction } from '../proxy/nft-text.ts';
import { parseIpv4 } from '../proxy/ipv4.ts';
import { asInet, podChain, renderRuleset } from './ruleset.ts';
import type { NetpolModel } from './types.ts';

const ip = (s: string): number => parseIpv4(s)!;
const peers = {
  name: 'pol-x-in0',
  ranges: [
    [ip('10.0.0.2'), ip('10.0.0.2')],
    [ip('10.1.0.0'), ip('10.1.0.255')],
  ] as const,
};

const model: NetpolModel = {
  pods: [
    {
      ip: ip('10.0.0.1'),
      key: 'default/db',
      ingress: [
        {
          peers: { name: peers.name, ranges: [...peers.ranges] },
          ports: [
            { protocol: 'TCP', first: 80, last: 80 },
            { protocol: 'UDP', first: 0, last: 65535 },
          ],
          origin: 'default/p ingress[0]',
        },
        { origin: 'default/q ingress[0]' },
      ],
      egress: [
        {
          triples: { name: 'pol-x-eg0-named', items: [{ ip: ip('10.0.0.9'), protocol: 'TCP', port: 8080 }] },
          origin: 'default/p egress[0]',
        },
      ],
    },
    { ip: ip('10.0.0.3'), key: 'default/web', ingress: [] },
  ],
};

describe('renderRuleset', () => {
  const rs = renderRuleset(model, { table: 't', bridge: 'br0' });

  test('dispatch maps send each isolated pod to its chains', () => {
    assert.deepEqual(
      [...rs.elements.get('ingress-pods')!.values()],
      ['10.0.0.1 : jump in-10-0-0-1', '10.0.0.3 : jump in-10-0-0-3'],
    );
    assert.deepEqual([...rs.elements.get('egress-pods')!.values()], ['10.0.0.1 : jump eg-10-0-0-1']);
    assert.deepEqual(rs.chains.get('forward')!.rules, [
      'ct state established,related accept',
      'oifname "br0" ip daddr vmap @ingress-pods',
      'iifname "br0" ip saddr vmap @egress-pods',
    ]);
  });

  test('pod chains: one return per clause and port, then the deny', () => {
    assert.deepEqual(rs.chains.get(podChain('ingress', ip('10.0.0.1')))!.rules, [
      'ip saddr @pol-x-in0 meta l4proto tcp th dport 80 return comment "default/p ingress[0]"',
      'ip saddr @pol-x-in0 meta l4proto udp return comment "default/p ingress[0]"',
      'return comment "default/q ingress[0]"',
      'drop',
    ]);
    assert.deepEqual(rs.chains.get('eg-10-0-0-1')!.rules, [
      'ip daddr . meta l4proto . th dport @pol-x-eg0-named return comment "default/p egress[0]"',
      'drop',
    ]);
    assert.deepEqual(rs.chains.get('in-10-0-0-3')!.rules, ['drop']);
  });

  test('sets carry ranges and triples', () => {
    assert.deepEqual([...rs.elements.get('pol-x-in0')!.values()], ['10.0.0.2', '10.1.0.0-10.1.0.255']);
    assert.deepEqual([...rs.elements.get('pol-x-eg0-named')!.values()], ['10.0.0.9 . tcp . 8080']);
  });

  test('reject mode refuses instead of dropping; no bridge: addresses only', () => {
    const r = renderRuleset(model, { table: 't', deny: 'reject' });
    assert.deepEqual(r.chains.get('in-10-0-0-3')!.rules, [
      'meta l4proto tcp reject with tcp reset',
      'reject with icmpx admin-prohibited',
    ]);
    assert.equal(r.chains.get('forward')!.rules[1], 'ip daddr vmap @ingress-pods');
  });

  test('transactions address the inet table; a peer change only touches elements', () => {
    const full = asInet(fullTransaction(rs), 't');
    assert.match(full, /^add table inet t\ndelete table inet t\n/);
    assert.doesNotMatch(full, / ip t\b/);
    const changed: NetpolModel = structuredClone(model);
    changed.pods[0]!.ingress![0]!.peers!.ranges = [
      [ip('10.0.0.2'), ip('10.0.0.2')],
      [ip('10.0.0.4'), ip('10.0.0.4')],
    ];
    const diff = asInet(diffTransaction(rs, renderRuleset(changed, { table: 't', bridge: 'br0' })), 't');
    assert.equal(
      diff,
      'delete element inet t pol-x-in0 { 10.1.0.0-10.1.0.255 }\nadd element inet t pol-x-in0 { 10.0.0.4 }\n',
    );
  });
});
