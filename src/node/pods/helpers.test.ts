import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FakeClock } from '../../client/clock.ts';
import { Backoff } from './backoff.ts';
import { parseResolvConf, podDnsConfig } from './dns.ts';
import { expandVars } from './env.ts';
import { authFor, pullPolicy } from './images.ts';
import { linuxResources, qosClass } from './resources.ts';
import type { Pod } from './types.ts';

const host = parseResolvConf('# comment\nnameserver 192.168.0.1\nsearch lan corp\noptions edns0\n');

test('parseResolvConf', () => {
  assert.deepEqual(host, { servers: ['192.168.0.1'], searches: ['lan', 'corp'], options: ['edns0'] });
});

test('podDnsConfig by dnsPolicy', () => {
  const s = { clusterDNS: ['10.96.0.10'], clusterDomain: 'cluster.local', host };
  const pod = (spec: Pod['spec']): Pod => ({ metadata: { namespace: 'ns1' }, spec });
  const cases: Array<[string, Pod['spec'], unknown]> = [
    [
      'ClusterFirst',
      {},
      {
        servers: ['10.96.0.10'],
        searches: ['ns1.svc.cluster.local', 'svc.cluster.local', 'cluster.local', 'lan', 'corp'],
        options: ['ndots:5'],
      },
    ],
    ['hostNetwork falls back to Default', { hostNetwork: true }, host],
    [
      'ClusterFirstWithHostNet',
      { hostNetwork: true, dnsPolicy: 'ClusterFirstWithHostNet' },
      {
        servers: ['10.96.0.10'],
        searches: ['ns1.svc.cluster.local', 'svc.cluster.local', 'cluster.local', 'lan', 'corp'],
        options: ['ndots:5'],
      },
    ],
    ['Default', { dnsPolicy: 'Default' }, host],
    [
      'None + dnsConfig',
      {
        dnsPolicy: 'None',
        dnsConfig: {
          nameservers: ['1.1.1.1'],
          searches: ['x'],
          options: [{ name: 'ndots', value: '2' }, { name: 'rotate' }],
        },
      },
      { servers: ['1.1.1.1'], searches: ['x'], options: ['ndots:2', 'rotate'] },
    ],
    [
      'dnsConfig option replaces',
      { dnsConfig: { options: [{ name: 'ndots', value: '1' }] } },
      {
        servers: ['10.96.0.10'],
        searches: ['ns1.svc.cluster.local', 'svc.cluster.local', 'cluster.local', 'lan', 'corp'],
        options: ['ndots:1'],
      },
    ],
  ];
  for (const [name, spec, want] of cases) assert.deepEqual(podDnsConfig(pod(spec), s), want, name);
});

test('Backoff: immediate, then 10 s doubling to the cap, reset after 10 min', () => {
  const clock = new FakeClock(0);
  const b = new Backoff(clock, { initialMs: 10_000, maxMs: 40_000 });
  assert.equal(b.remaining('k', 0), 0);
  const delays: number[] = [];
  for (let i = 0; i < 5; i++) {
    b.next('k', clock.now());
    delays.push(b.delay('k'));
    assert.equal(b.remaining('k', clock.now()), b.delay('k'));
    clock.advance(b.delay('k'));
    assert.equal(b.remaining('k', clock.now() - b.delay('k')), 0);
  }
  assert.deepEqual(delays, [10_000, 20_000, 40_000, 40_000, 40_000]);
  clock.advance(11 * 60_000);
  b.next('k', clock.now());
  assert.equal(b.delay('k'), 10_000, 'reset after a long healthy run');
});

test('expandVars', () => {
  const vars = new Map([
    ['A', 'x'],
    ['B', 'y'],
  ]);
  const cases: Array<[string, string]> = [
    ['$(A)-$(B)', 'x-y'],
    ['$(C)', '$(C)'],
    ['$$(A)', '$(A)'],
    ['plain', 'plain'],
  ];
  for (const [input, want] of cases) assert.equal(expandVars(input, vars), want, input);
});

test('resources → CRI and QoS class', () => {
  assert.deepEqual(
    linuxResources({
      name: 'c',
      resources: { requests: { cpu: '250m' }, limits: { cpu: '1', memory: '1Gi' } },
    }),
    {
      cpu_shares: 256,
      cpu_period: 100000,
      cpu_quota: 100000,
      memory_limit_in_bytes: 1073741824,
    },
  );
  assert.deepEqual(linuxResources({ name: 'c' }), { cpu_shares: 2 });
  const pod = (resources: object): Pod => ({
    metadata: {},
    spec: { containers: [{ name: 'c', resources }] },
  });
  assert.equal(qosClass(pod({})), 'BestEffort');
  assert.equal(qosClass(pod({ limits: { cpu: '1', memory: '1Gi' } })), 'Guaranteed');
  assert.equal(qosClass(pod({ requests: { cpu: '1' } })), 'Burstable');
  assert.equal(
    qosClass(pod({ requests: { cpu: '500m', memory: '1Gi' }, limits: { cpu: '1', memory: '1Gi' } })),
    'Burstable',
  );
});

test('pull policy defaults and registry credentials', () => {
  const cases: Array<[string, string]> = [
    ['busybox', 'Always'],
    ['busybox:latest', 'Always'],
    ['busybox:1.35', 'IfNotPresent'],
    ['localhost:5000/app', 'Always'],
    ['localhost:5000/app:2', 'IfNotPresent'],
    ['app@sha256:abc', 'IfNotPresent'],
  ];
  for (const [image, want] of cases) assert.equal(pullPolicy({ name: 'c', image }), want, image);
  const secret = {
    data: {
      '.dockerconfigjson': Buffer.from(
        JSON.stringify({ auths: { 'registry.example:5000': { username: 'u', password: 'p' } } }),
      ),
    },
  };
  assert.deepEqual(authFor('registry.example:5000/team/app:1', [secret]), {
    server_address: 'https://registry.example:5000',
    username: 'u',
    password: 'p',
  });
  assert.equal(authFor('busybox:1.35', [secret]), undefined);
});
