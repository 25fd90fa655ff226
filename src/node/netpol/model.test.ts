/**
 * NetworkPolicy semantics, table-driven: for a fixed world of namespaces and pods (node n1 is "this
 * node"), each case applies a set of policies and states which connections pass this node.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { parseIpv4 } from '../proxy/ipv4.ts';
import { connectionAllowed } from './evaluate.ts';
import { buildModel, policyTypes } from './model.ts';
import type { ContainerPort, Namespace, NetworkPolicy, Pod } from './types.ts';

const namespaces: Namespace[] = [
  { metadata: { name: 'default', labels: { team: 'a' } } },
  { metadata: { name: 'prod', labels: { env: 'prod', team: 'b' } } },
  { metadata: { name: 'dev', labels: { env: 'dev' } } },
];

function pod(
  key: string,
  ip: string,
  labels: Record<string, string>,
  o: { node?: string; ports?: ContainerPort[]; hostNetwork?: boolean; phase?: string } = {},
): Pod {
  const [namespace, name] = key.split('/');
  return {
    metadata: { namespace, name, labels },
    spec: {
      nodeName: o.node ?? 'n1',
      hostNetwork: o.hostNetwork,
      containers: [{ name: 'c', ports: o.ports ?? [] }],
    },
    status: { podIP: ip, podIPs: [{ ip }], phase: o.phase ?? 'Running' },
  };
}

const pods: Pod[] = [
  pod(
    'default/db',
    '10.0.1.10',
    { app: 'db' },
    {
      ports: [
        { name: 'http', containerPort: 8080 },
        { name: 'metrics', containerPort: 9090 },
        { name: 'dns', containerPort: 53, protocol: 'UDP' },
      ],
    },
  ),
  pod('default/web', '10.0.1.11', { app: 'web' }),
  pod('default/other', '10.0.1.12', { app: 'other' }),
  pod('default/web-remote', '10.0.4.40', { app: 'web' }, { node: 'n2' }),
  pod('prod/web', '10.0.2.20', { app: 'web' }, { node: 'n2' }),
  pod('prod/api', '10.0.2.21', { app: 'api' }, { node: 'n2', ports: [{ name: 'http', containerPort: 80 }] }),
  pod('dev/web', '10.0.3.30', { app: 'web' }, { node: 'n2' }),
  pod('default/hostnet', '192.168.0.5', { app: 'web' }, { hostNetwork: true }),
  pod('default/done', '10.0.1.99', { app: 'web' }, { phase: 'Succeeded' }),
];

const ipOf: Record<string, string> = Object.fromEntries(
  pods.map((p) => [`${p.metadata.namespace}/${p.metadata.name}`, p.status!.podIP!]),
);

function np(name: string, spec: NetworkPolicy['spec'], namespace = 'default'): NetworkPolicy {
  return { metadata: { name, namespace }, spec };
}

const db = { matchLabels: { app: 'db' } };
const web = { matchLabels: { app: 'web' } };

/** [from, to, protocol, port, expected]; from/to are pod keys or bare addresses. */
type Check = [string, string, string, number | undefined, boolean];

interface Case {
  name: string;
  policies: NetworkPolicy[];
  checks: Check[];
}

const cases: Case[] = [
  {
    name: 'no policy: everything passes',
    policies: [],
    checks: [
      ['default/web', 'default/db', 'TCP', 8080, true],
      ['192.168.1.1', 'default/db', 'UDP', 53, true],
      ['default/db', '8.8.8.8', 'ICMP', undefined, true],
    ],
  },
  {
    name: 'default deny ingress on app=db',
    policies: [np('deny', { podSelector: db, policyTypes: ['Ingress'] })],
    checks: [
      ['default/web', 'default/db', 'TCP', 8080, false],
      ['prod/web', 'default/db', 'TCP', 8080, false],
      ['default/web', 'default/db', 'ICMP', undefined, false],
      ['default/db', 'default/web', 'TCP', 80, true], // egress not isolated
      ['default/web', 'default/other', 'TCP', 80, true], // other pods not selected
    ],
  },
  {
    name: 'empty podSelector denies ingress to every pod of the namespace, not others',
    policies: [np('deny-all', { podSelector: {} })],
    checks: [
      ['default/web', 'default/db', 'TCP', 80, false],
      ['default/db', 'default/web', 'TCP', 80, false],
      ['default/db', 'prod/web', 'TCP', 80, true], // prod/web: other namespace, other node
    ],
  },
  {
    name: 'allow from app=web on port 80 (podSelector = same namespace only)',
    policies: [
      np('allow', { podSelector: db, ingress: [{ from: [{ podSelector: web }], ports: [{ port: 80 }] }] }),
    ],
    checks: [
      ['default/web', 'default/db', 'TCP', 80, true],
      ['default/web-remote', 'default/db', 'TCP', 80, true], // peers on other nodes count
      ['default/web', 'default/db', 'TCP', 81, false],
      ['default/web', 'default/db', 'UDP', 80, false],
      ['default/other', 'default/db', 'TCP', 80, false],
      ['prod/web', 'default/db', 'TCP', 80, false],
      ['192.168.0.5', 'default/db', 'TCP', 80, false], // hostNetwork pods are not peers
      ['10.0.1.99', 'default/db', 'TCP', 80, false], // nor finished ones
    ],
  },
  {
    name: 'namespaceSelector alone: every pod of matching namespaces',
    policies: [
      np('ns', {
        podSelector: db,
        ingress: [{ from: [{ namespaceSelector: { matchLabels: { env: 'prod' } } }] }],
      }),
    ],
    checks: [
      ['prod/web', 'default/db', 'TCP', 1234, true],
      ['prod/api', 'default/db', 'UDP', 53, true],
      ['dev/web', 'default/db', 'TCP', 80, false],
      ['default/web', 'default/db', 'TCP', 80, false],
    ],
  },
  {
    name: 'namespaceSelector and podSelector in one peer: both must match',
    policies: [
      np('both', {
        podSelector: db,
        ingress: [{ from: [{ namespaceSelector: { matchLabels: { env: 'prod' } }, podSelector: web }] }],
      }),
    ],
    checks: [
      ['prod/web', 'default/db', 'TCP', 80, true],
      ['prod/api', 'default/db', 'TCP', 80, false],
      ['default/web', 'default/db', 'TCP', 80, false],
      ['dev/web', 'default/db', 'TCP', 80, false],
    ],
  },
  {
    name: 'namespaceSelector and podSelector as two peers: either matches',
    policies: [
      np('either', {
        podSelector: db,
        ingress: [{ from: [{ namespaceSelector: { matchLabels: { env: 'prod' } } }, { podSelector: web }] }],
      }),
    ],
    checks: [
      ['prod/api', 'default/db', 'TCP', 80, true],
      ['default/web', 'default/db', 'TCP', 80, true],
      ['dev/web', 'default/db', 'TCP', 80, false],
      ['default/other', 'default/db', 'TCP', 80, false],
    ],
  },
  {
    name: 'namespaceSelector on the automatic kubernetes.io/metadata.name label, with matchExpressions',
    policies: [
      np('by-name', {
        podSelector: db,
        ingress: [
          {
            from: [
              {
                namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'dev' } },
                podSelector: { matchExpressions: [{ key: 'app', operator: 'In', values: ['web', 'api'] }] },
              },
            ],
          },
        ],
      }),
    ],
    checks: [
      ['dev/web', 'default/db', 'TCP', 80, true],
      ['prod/web', 'default/db', 'TCP', 80, false],
    ],
  },
  {
    name: 'ipBlock with except',
    policies: [
      np('block', {
        podSelector: db,
        ingress: [{ from: [{ ipBlock: { cidr: '10.0.0.0/16', except: ['10.0.2.0/24', '10.0.1.12/32'] } }] }],
      }),
    ],
    checks: [
      ['default/web', 'default/db', 'TCP', 80, true],
      ['dev/web', 'default/db', 'TCP', 80, true],
      ['prod/web', 'default/db', 'TCP', 80, false],
      ['default/other', 'default/db', 'TCP', 80, false],
      ['10.0.255.255', 'default/db', 'TCP', 80, true],
      ['10.1.0.0', 'default/db', 'TCP', 80, false],
      ['192.168.1.1', 'default/db', 'TCP', 80, false],
    ],
  },
  {
    name: 'named ports resolve on the destination pod with the same protocol',
    policies: [
      np('named', {
        podSelector: db,
        ingress: [
          {
            ports: [{ port: 'http' }, { port: 'dns', protocol: 'UDP' }, { port: 'metrics', protocol: 'UDP' }],
          },
        ],
      }),
    ],
    checks: [
      ['default/web', 'default/db', 'TCP', 8080, true],
      ['192.168.1.1', 'default/db', 'TCP', 8080, true], // no `from`: any source
      ['default/web', 'default/db', 'TCP', 80, false],
      ['default/web', 'default/db', 'UDP', 53, true],
      ['default/web', 'default/db', 'TCP', 53, false],
      ['default/web', 'default/db', 'UDP', 9090, false], // metrics is TCP: a UDP named port does not match it
      ['default/web', 'default/db', 'TCP', 9090, false],
    ],
  },
  {
    name: 'a rule whose named ports resolve to nothing allows nothing',
    policies: [np('nope', { podSelector: db, ingress: [{ ports: [{ port: 'nope' }] }] })],
    checks: [
      ['default/web', 'default/db', 'TCP', 8080, false],
      ['default/web', 'default/db', 'ICMP', undefined, false],
    ],
  },
  {
    name: 'endPort ranges are inclusive',
    policies: [np('range', { podSelector: db, ingress: [{ ports: [{ port: 8000, endPort: 8100 }] }] })],
    checks: [
      ['default/web', 'default/db', 'TCP', 7999, false],
      ['default/web', 'default/db', 'TCP', 8000, true],
      ['default/web', 'default/db', 'TCP', 8080, true],
      ['default/web', 'default/db', 'TCP', 8100, true],
      ['default/web', 'default/db', 'TCP', 8101, false],
    ],
  },
  {
    name: 'a port entry with only a protocol allows every port of it',
    policies: [np('udp', { podSelector: db, ingress: [{ ports: [{ protocol: 'UDP' }] }] })],
    checks: [
      ['default/web', 'default/db', 'UDP', 5000, true],
      ['default/web', 'default/db', 'TCP', 5000, false],
    ],
  },
  {
    name: 'an empty rule allows everything',
    policies: [np('open', { podSelector: db, ingress: [{}] })],
    checks: [
      ['192.168.1.1', 'default/db', 'ICMP', undefined, true],
      ['prod/api', 'default/db', 'TCP', 1, true],
    ],
  },
  {
    name: 'several policies: the union of their rules',
    policies: [
      np('p1', { podSelector: db, ingress: [{ from: [{ podSelector: web }], ports: [{ port: 8080 }] }] }),
      np('p2', {
        podSelector: db,
        ingress: [{ from: [{ podSelector: { matchLabels: { app: 'other' } } }], ports: [{ port: 9090 }] }],
      }),
      np('p3', { podSelector: {}, policyTypes: ['Ingress'] }),
    ],
    checks: [
      ['default/web', 'default/db', 'TCP', 8080, true],
      ['default/web', 'default/db', 'TCP', 9090, false],
      ['default/other', 'default/db', 'TCP', 9090, true],
      ['default/other', 'default/db', 'TCP', 8080, false],
      ['default/db', 'default/web', 'TCP', 80, false], // p3 isolates web too
    ],
  },
  {
    name: 'egress rules without policyTypes isolate both directions',
    policies: [
      np('eg', {
        podSelector: db,
        egress: [{ to: [{ namespaceSelector: { matchLabels: { env: 'prod' } } }], ports: [{ port: 80 }] }],
      }),
    ],
    checks: [
      ['default/db', 'prod/api', 'TCP', 80, true],
      ['default/db', 'prod/api', 'TCP', 81, false],
      ['default/db', 'default/web', 'TCP', 80, false],
      ['default/web', 'default/db', 'TCP', 8080, false], // Ingress is in the default policyTypes
    ],
  },
  {
    name: 'egress default deny: DNS is not allowed implicitly',
    policies: [np('eg-deny', { podSelector: db, policyTypes: ['Egress'] })],
    checks: [
      ['default/db', 'default/web', 'TCP', 80, false],
      ['default/db', '10.96.0.10', 'UDP', 53, false],
      ['default/web', 'default/db', 'TCP', 8080, true],
    ],
  },
  {
    name: 'egress DNS allowed by an explicit rule only',
    policies: [
      np('eg-dns', {
        podSelector: db,
        policyTypes: ['Egress'],
        egress: [
          {
            ports: [
              { port: 53, protocol: 'UDP' },
              { port: 53, protocol: 'TCP' },
            ],
          },
        ],
      }),
    ],
    checks: [
      ['default/db', '10.96.0.10', 'UDP', 53, true],
      ['default/db', '10.96.0.10', 'TCP', 53, true],
      ['default/db', '10.96.0.10', 'TCP', 80, false],
    ],
  },
  {
    name: 'egress named ports resolve per destination pod',
    policies: [
      np('eg-named', {
        podSelector: db,
        policyTypes: ['Egress'],
        egress: [
          {
            to: [{ namespaceSelector: {}, podSelector: { matchLabels: { app: 'api' } } }],
            ports: [{ port: 'http' }],
          },
          { to: [{ ipBlock: { cidr: '10.0.1.0/24' } }], ports: [{ port: 'metrics' }] },
        ],
      }),
    ],
    checks: [
      ['default/db', 'prod/api', 'TCP', 80, true],
      ['default/db', 'prod/api', 'TCP', 8080, false],
      ['default/db', 'prod/web', 'TCP', 80, false],
      ['default/db', 'default/db', 'TCP', 9090, true], // db itself declares metrics and is in the block
      ['default/db', 'default/web', 'TCP', 9090, false], // web declares no metrics port
    ],
  },
  {
    name: 'egress named port to any destination: pods declaring it, nothing else',
    policies: [
      np('eg-any', { podSelector: db, egress: [{ ports: [{ port: 'http' }] }], policyTypes: ['Egress'] }),
    ],
    checks: [
      ['default/db', 'prod/api', 'TCP', 80, true],
      ['default/db', '8.8.8.8', 'TCP', 80, false],
    ],
  },
  {
    name: 'egress rules are ignored when policyTypes lists only Ingress',
    policies: [
      np('in-only', {
        podSelector: db,
        policyTypes: ['Ingress'],
        egress: [{ ports: [{ port: 1 }] }],
        ingress: [{}],
      }),
    ],
    checks: [
      ['default/db', 'default/web', 'TCP', 80, true],
      ['default/web', 'default/db', 'TCP', 80, true],
    ],
  },
  {
    name: 'pods of other nodes are not enforced here',
    policies: [np('prod-deny', { podSelector: {}, policyTypes: ['Ingress', 'Egress'] }, 'prod')],
    checks: [
      ['default/web', 'prod/api', 'TCP', 80, true],
      ['default/db', 'prod/web', 'TCP', 80, true],
    ],
  },
];

const addr = (s: string): number => parseIpv4(ipOf[s] ?? s)!;

describe('NetworkPolicy semantics', () => {
  for (const c of cases) {
    test(c.name, () => {
      const model = buildModel({ nodeName: 'n1', policies: c.policies, pods, namespaces });
      const got = c.checks.map(([from, to, proto, port]) =>
        connectionAllowed(model, addr(from), addr(to), proto, port),
      );
      const want = c.checks.map((ch) => ch[4]);
      const show = (vals: boolean[]): string[] =>
        c.checks.map(([f, t, p, port], i) => `${f} -> ${t} ${p}/${port ?? '-'}: ${vals[i]}`);
      assert.deepEqual(show(got), show(want));
    });
  }
});

describe('buildModel', () => {
  test('policyTypes defaults', () => {
    assert.deepEqual(policyTypes(np('a', { podSelector: {} })), { ingress: true, egress: false });
    assert.deepEqual(policyTypes(np('a', { podSelector: {}, egress: [{}] })), {
      ingress: true,
      egress: true,
    });
    assert.deepEqual(policyTypes(np('a', { podSelector: {}, policyTypes: ['Egress'] })), {
      ingress: false,
      egress: true,
    });
  });

  test('podCIDR limits the enforced pods; isolated pods only', () => {
    const policies = [np('deny-all', { podSelector: {} })];
    const all = buildModel({ nodeName: 'n1', policies, pods, namespaces });
    assert.deepEqual(
      all.pods.map((p) => p.key),
      ['default/db', 'default/web', 'default/other'],
    );
    const some = buildModel({ nodeName: 'n1', policies, pods, namespaces, podCIDR: '10.0.1.8/30' });
    assert.deepEqual(
      some.pods.map((p) => p.key),
      ['default/db', 'default/web'],
    );
    assert.equal(buildModel({ nodeName: 'n1', policies: [], pods, namespaces }).pods.length, 0);
  });

  test('a rule shares one peer set among the pods it selects', () => {
    const policies = [np('p', { podSelector: {}, ingress: [{ from: [{ podSelector: web }] }] })];
    const model = buildModel({ nodeName: 'n1', policies, pods, namespaces });
    const sets = new Set(model.pods.map((p) => p.ingress?.[0]?.peers?.name));
    assert.equal(sets.size, 1);
    assert.equal(model.pods[0]!.ingress![0]!.peers, model.pods[1]!.ingress![0]!.peers);
  });
});
