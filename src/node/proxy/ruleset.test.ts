import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  chainNames,
  defaultSharedPickMax,
  pickChain,
  renderCache,
  renderRuleset,
  type Ruleset,
} from './ruleset.ts';
import { ep, port, state } from './testdata.ts';
import type { ServicePortInfo } from './types.ts';

const rulesOf = (rs: Ruleset, chain: string): string[] => {
  const c = rs.chains.get(chain);
  assert.ok(c, `chain ${chain} exists; have: ${[...rs.chains.keys()].join(', ')}`);
  return c.rules;
};
const element = (rs: Ruleset, set: string, key: string): string | undefined => rs.elements.get(set)?.get(key);
const has = (rules: string[], re: RegExp): boolean => rules.some((r) => re.test(r));

describe('renderRuleset', () => {
  const web = port();
  const n = chainNames(web);

  test('fixed chains: hooks, dispatch, rejection of unknown service and pool addresses', () => {
    const rs = renderRuleset(state([]));
    assert.match(rs.chains.get('nat-prerouting')!.spec!, /type nat hook prerouting/);
    assert.match(rs.chains.get('nat-output')!.spec!, /type nat hook output/);
    assert.match(rs.chains.get('nat-postrouting')!.spec!, /type nat hook postrouting/);
    const services = rulesOf(rs, 'services');
    assert.equal(services[0], 'ip daddr . meta l4proto . th dport vmap @service-ips');
    assert.ok(has(services, /^ip daddr @nodeport-ips meta l4proto \. th dport vmap @service-nodeports$/));
    assert.ok(services.includes('ip daddr 10.96.0.0/12 goto reject-chain'));
    assert.ok(services.includes('ip daddr 172.31.0.0/24 goto reject-chain'));
    assert.deepEqual(rulesOf(rs, 'reject-chain'), ['meta l4proto tcp reject with tcp reset', 'reject']);
    assert.equal(element(rs, 'nodeport-ips', '192.168.77.1'), '192.168.77.1');
  });

  const cases: {
    name: string;
    sp: ServicePortInfo;
    chain: 'svc' | 'ext' | 'fw';
    want: RegExp[];
    not?: RegExp[];
  }[] = [
    {
      name: 'ClusterIP: masquerade from outside the cluster CIDR, uniform cascade over both endpoints',
      sp: web,
      chain: 'svc',
      want: [
        /^ip saddr != 10\.244\.0\.0\/16 jump mark-for-masquerade$/,
        /^numgen random mod 2 == 0 meta l4proto tcp dnat to 10\.244\.1\.10:8080$/,
        /^meta l4proto tcp dnat to 10\.244\.2\.11:8080$/,
      ],
    },
    {
      name: 'no endpoints: reject',
      sp: port({ endpoints: [] }),
      chain: 'svc',
      want: [/^goto reject-chain$/],
      not: [/dnat/],
    },
    {
      name: 'not-ready endpoints are skipped',
      sp: port({ endpoints: [ep('10.244.1.10'), ep('10.244.1.12', { ready: false })] }),
      chain: 'svc',
      want: [/^meta l4proto tcp dnat to 10\.244\.1\.10:8080$/],
      not: [/10\.244\.1\.12/, /numgen/],
    },
    {
      name: 'terminating-but-serving endpoints are the fallback when none is ready',
      sp: port({
        endpoints: [
          ep('10.244.1.10', { ready: false, servingTerminating: true }),
          ep('10.244.1.12', { ready: false }),
        ],
      }),
      chain: 'svc',
      want: [/dnat to 10\.244\.1\.10:8080$/],
      not: [/10\.244\.1\.12/],
    },
    {
      name: 'internalTrafficPolicy Local: only local endpoints',
      sp: port({ internalLocal: true }),
      chain: 'svc',
      want: [/dnat to 10\.244\.1\.10:8080$/],
      not: [/10\.244\.2\.11/],
    },
    {
      name: 'sessionAffinity: remembered clients first, every pick remembers',
      sp: port({ affinitySeconds: 30 }),
      chain: 'svc',
      want: [
        /^meta l4proto tcp ip saddr @aff-\w+-10-244-1-10-8080-t30 update @aff-\w+-10-244-1-10-8080-t30 \{ ip saddr \} dnat to 10\.244\.1\.10:8080$/,
        /^numgen random mod 2 == 0 meta l4proto tcp update @aff-\w+-10-244-1-10-8080-t30 \{ ip saddr \} dnat to 10\.244\.1\.10:8080$/,
      ],
    },
    {
      name: 'UDP uses udp in DNAT rules',
      sp: port({ id: 'default/dns/udp/dns', protocol: 'UDP', port: 53 }),
      chain: 'svc',
      want: [/meta l4proto udp dnat to 10\.244\.2\.11:8080$/],
    },
    {
      name: 'NodePort, externalTrafficPolicy Cluster: always masquerade, all endpoints',
      sp: port({ nodePort: 30080 }),
      chain: 'ext',
      want: [/^jump mark-for-masquerade$/, /dnat to 10\.244\.1\.10:8080$/, /dnat to 10\.244\.2\.11:8080$/],
    },
    {
      name: 'externalTrafficPolicy Local: pods and the node go the ClusterIP way, others only local, no masquerade',
      sp: port({ nodePort: 30080, externalLocal: true }),
      chain: 'ext',
      want: [
        /^ip saddr 10\.244\.0\.0\/16 goto svc-/,
        /^fib saddr type local jump mark-for-masquerade$/,
        /^fib saddr type local goto svc-/,
        /^meta l4proto tcp dnat to 10\.244\.1\.10:8080$/,
      ],
      not: [/10\.244\.2\.11/, /^jump mark-for-masquerade$/],
    },
    {
      name: 'externalTrafficPolicy Local without local endpoints: drop (the load balancer should look elsewhere)',
      sp: port({ nodePort: 30080, externalLocal: true, endpoints: [ep('10.244.2.11', { local: false })] }),
      chain: 'ext',
      want: [/^drop$/],
      not: [/dnat/],
    },
    {
      name: 'loadBalancerSourceRanges: allowed ranges go on, everyone else is dropped',
      sp: port({
        loadBalancerIPs: ['172.31.0.1'],
        loadBalancerSourceRanges: ['10.1.0.0/16', '192.0.2.7/32'],
      }),
      chain: 'fw',
      want: [/^ip saddr 10\.1\.0\.0\/16 goto ext-/, /^ip saddr 192\.0\.2\.7\/32 goto ext-/, /^drop$/],
    },
  ];
  // These check the per-port chains; `sharedPickMax: 0` gives plain ports one too (as do ports with
  // more endpoints than the shared chains take), so the selection rules are checked for every port.
  for (const c of cases) {
    test(c.name, () => {
      const rs = renderRuleset(state([c.sp], { sharedPickMax: 0 }));
      const rules = rulesOf(rs, chainNames(c.sp)[c.chain]);
      for (const re of c.want) assert.ok(has(rules, re), `${re} in:\n${rules.join('\n')}`);
      for (const re of c.not ?? []) assert.ok(!has(rules, re), `${re} not in:\n${rules.join('\n')}`);
    });
  }

  test('map elements point each address at the right chain', () => {
    const sp = port({ nodePort: 30080, externalIPs: ['192.0.2.5'], loadBalancerIPs: ['172.31.0.1'] });
    const rs = renderRuleset(state([sp]));
    assert.equal(
      element(rs, 'service-ips', '10.96.0.10 . tcp . 80'),
      `10.96.0.10 . tcp . 80 : goto ${pickChain(2)}`,
    );
    assert.equal(element(rs, 'service-ips', '192.0.2.5 . tcp . 80'), `192.0.2.5 . tcp . 80 : goto ${n.ext}`);
    assert.equal(
      element(rs, 'service-ips', '172.31.0.1 . tcp . 80'),
      `172.31.0.1 . tcp . 80 : goto ${n.ext}`,
    );
    assert.equal(element(rs, 'service-nodeports', 'tcp . 30080'), `tcp . 30080 : goto ${n.ext}`);
    assert.ok(!rs.chains.has(n.fw), 'no firewall chain without source ranges');
    assert.equal(element(rs, 'hairpin-pairs', '10.244.1.10 . 10.244.1.10'), '10.244.1.10 . 10.244.1.10');
  });

  test('a plain ClusterIP service has no external chain; affinity sets carry their timeout', () => {
    const rs = renderRuleset(state([port({ affinitySeconds: 30 })]));
    assert.ok(!rs.chains.has(n.ext));
    const aff = [...rs.sets].filter(([name]) => name.startsWith('aff-'));
    assert.equal(aff.length, 2);
    for (const [, def] of aff) assert.match(def.spec, /flags dynamic,timeout; timeout 30s;/);
  });

  test('two ports claiming one address:port: the first by id keeps it', () => {
    const a = port({
      id: 'a/x/tcp/http',
      name: 'x',
      namespace: 'a',
      externalIPs: ['192.0.2.5'],
      nodePort: 30001,
    });
    const b = port({
      id: 'b/y/tcp/http',
      name: 'y',
      namespace: 'b',
      externalIPs: ['192.0.2.5'],
      nodePort: 30002,
      clusterIP: '10.96.0.11',
    });
    const rs = renderRuleset(state([b, a]));
    assert.equal(
      element(rs, 'service-ips', '192.0.2.5 . tcp . 80'),
      `192.0.2.5 . tcp . 80 : goto ${chainNames(a).ext}`,
    );
  });

  test('without a cluster CIDR nothing is masqueraded for its source', () => {
    const rs = renderRuleset(state([web], { clusterCIDR: undefined, sharedPickMax: 0 }));
    assert.ok(!has(rulesOf(rs, n.svc), /mark-for-masquerade/));
    const shared = renderRuleset(state([web], { clusterCIDR: undefined }));
    assert.ok(!has(rulesOf(shared, pickChain(2)), /mark-for-masquerade/));
  });

  test('a cache gives the same ruleset and reuses unchanged chains', () => {
    const cache = renderCache();
    const other = port({ id: 'default/api/tcp/http', name: 'api', clusterIP: '10.96.0.20' });
    const chains = { sharedPickMax: 0 };
    const first = renderRuleset(state([web, other], chains), cache);
    const changed = { ...web, endpoints: web.endpoints.slice(0, 1) };
    const second = renderRuleset(state([changed, other], chains), cache);
    const plain = renderRuleset(state([changed, other], chains));
    assert.deepEqual(second, plain);
    const api = chainNames(other).svc;
    assert.equal(second.chains.get(api), first.chains.get(api), 'same object for the unchanged port');
    assert.notEqual(second.chains.get(n.svc), first.chains.get(n.svc));
  });
});

describe('plain ClusterIP ports: shared dispatch', () => {
  const key = '10.96.0.10 . tcp . 80';
  const backends = (rs: Ruleset): string[] =>
    [...(rs.elements.get('service-backends')?.values() ?? [])].sort();
  const many = Array.from({ length: defaultSharedPickMax + 1 }, (_, i) => ep(`10.244.9.${i + 1}`));
  const cases: { name: string; sp: ServicePortInfo; verdict?: string; backends?: string[] }[] = [
    {
      name: 'two endpoints: pick-2 over entries 0 and 1',
      sp: port(),
      verdict: 'goto pick-2',
      backends: [`${key} . 0 : 10.244.1.10 . 8080`, `${key} . 1 : 10.244.2.11 . 8080`],
    },
    { name: 'no endpoints: reject', sp: port({ endpoints: [] }), verdict: 'goto reject-chain', backends: [] },
    {
      name: 'not-ready endpoints are skipped',
      sp: port({ endpoints: [ep('10.244.1.10'), ep('10.244.1.12', { ready: false })] }),
      verdict: 'goto pick-1',
      backends: [`${key} . 0 : 10.244.1.10 . 8080`],
    },
    {
      name: 'terminating-but-serving endpoints are the fallback when none is ready',
      sp: port({
        endpoints: [
          ep('10.244.1.10', { ready: false, servingTerminating: true }),
          ep('10.244.1.12', { ready: false }),
        ],
      }),
      verdict: 'goto pick-1',
      backends: [`${key} . 0 : 10.244.1.10 . 8080`],
    },
    {
      name: 'UDP is part of the key',
      sp: port({ id: 'default/dns/udp/dns', protocol: 'UDP', port: 53, endpoints: [ep('10.244.1.10')] }),
      backends: ['10.96.0.10 . udp . 53 . 0 : 10.244.1.10 . 8080'],
    },
    {
      name: 'a NodePort service still dispatches its ClusterIP through the shared maps',
      sp: port({ nodePort: 30080 }),
      verdict: 'goto pick-2',
    },
    { name: 'affinity needs a chain of its own', sp: port({ affinitySeconds: 30 }) },
    { name: 'internalTrafficPolicy Local needs a chain of its own', sp: port({ internalLocal: true }) },
    { name: 'externalTrafficPolicy Local needs a chain of its own', sp: port({ externalLocal: true }) },
    { name: 'more endpoints than the shared chains take: a chain of its own', sp: port({ endpoints: many }) },
  ];
  for (const c of cases) {
    test(c.name, () => {
      const rs = renderRuleset(state([c.sp]));
      const svc = chainNames(c.sp).svc;
      if (c.verdict === undefined && c.backends === undefined) {
        assert.ok(rs.chains.has(svc));
        assert.equal(element(rs, 'service-ips', key), `${key} : goto ${svc}`);
        assert.deepEqual(backends(rs), []);
        return;
      }
      assert.ok(!rs.chains.has(svc), 'no chain of its own');
      if (c.verdict) assert.equal(element(rs, 'service-ips', key), `${key} : ${c.verdict}`);
      if (c.backends) assert.deepEqual(backends(rs), c.backends.sort());
    });
  }

  test('pick chains: masquerade from outside the cluster CIDR, DNAT by numgen through the map', () => {
    const rs = renderRuleset(state([]));
    for (const k of [1, 2, defaultSharedPickMax])
      assert.deepEqual(rulesOf(rs, pickChain(k)), [
        'ip saddr != 10.244.0.0/16 jump mark-for-masquerade',
        `dnat ip to ip daddr . meta l4proto . th dport . numgen random mod ${k} map @service-backends`,
        'goto reject-chain',
      ]);
    assert.ok(!rs.chains.has(pickChain(defaultSharedPickMax + 1)));
    assert.ok(!renderRuleset(state([], { sharedPickMax: 0 })).chains.has(pickChain(1)));
  });
});
