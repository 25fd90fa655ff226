import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { parseIpv4Cidr } from './ipv4.ts';
import { planLoadBalancers } from './lb-allocator.ts';
import type { Service } from './types.ts';

const pool = parseIpv4Cidr('172.31.0.0/29'); // .1 - .6 usable
const svc = (
  name: string,
  o: { type?: string; ip?: string; want?: string; cls?: string; at?: string } = {},
): Service => ({
  metadata: { name, namespace: 'ns', creationTimestamp: o.at ?? `2025-01-01T00:00:0${name.length % 10}Z` },
  spec: {
    type: (o.type ?? 'LoadBalancer') as 'LoadBalancer',
    ...(o.want ? { loadBalancerIP: o.want } : {}),
    ...(o.cls ? { loadBalancerClass: o.cls } : {}),
  },
  ...(o.ip ? { status: { loadBalancer: { ingress: [{ ip: o.ip }] } } } : {}),
});
const plan = (ss: Service[]): Record<string, string | null> =>
  Object.fromEntries(planLoadBalancers(ss, pool).map((c) => [c.name, c.ip ?? null]));

describe('planLoadBalancers', () => {
  const cases: { name: string; services: Service[]; want: Record<string, string | null> }[] = [
    {
      name: 'first free address, oldest first',
      services: [svc('b', { at: '2' }), svc('a', { at: '1' })],
      want: { a: '172.31.0.1', b: '172.31.0.2' },
    },
    {
      name: 'kept assignments are not rewritten and are skipped',
      services: [svc('a', { ip: '172.31.0.1' }), svc('b')],
      want: { b: '172.31.0.2' },
    },
    {
      name: 'requested address honoured when free',
      services: [svc('a', { want: '172.31.0.5' })],
      want: { a: '172.31.0.5' },
    },
    {
      name: 'requested address outside the pool: nothing to give',
      services: [svc('a', { want: '10.0.0.1' })],
      want: {},
    },
    {
      name: 'duplicate: the younger service moves',
      services: [svc('a', { ip: '172.31.0.3', at: '1' }), svc('b', { ip: '172.31.0.3', at: '2' })],
      want: { b: '172.31.0.1' },
    },
    {
      name: 'type changed away from LoadBalancer: released',
      services: [svc('a', { type: 'ClusterIP', ip: '172.31.0.1' })],
      want: { a: null },
    },
    {
      name: "another implementation's class is left alone",
      services: [svc('a', { cls: 'example.com/lb' })],
      want: {},
    },
    {
      name: 'pool exhausted: the rest wait',
      services: ['a', 'b', 'c', 'd', 'e', 'f', 'g'].map((n, i) => svc(n, { at: String(i) })),
      want: {
        a: '172.31.0.1',
        b: '172.31.0.2',
        c: '172.31.0.3',
        d: '172.31.0.4',
        e: '172.31.0.5',
        f: '172.31.0.6',
      },
    },
  ];
  for (const c of cases) test(c.name, () => assert.deepEqual(plan(c.services), c.want));
});
