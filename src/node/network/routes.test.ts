import { test } from 'node:test';
import assert from 'node:assert/strict';
import { masqueradeScript, unmasqueradeScript } from './masquerade.ts';
import { desiredPodRoutes, parseRoutes, planRoutes, podCidrOf, RouteTable, type NodeLike } from './routes.ts';

const node = (name: string, podCIDR?: string, ip?: string): NodeLike => ({
  metadata: { name },
  spec: podCIDR ? { podCIDR } : {},
  status: ip
    ? {
        addresses: [
          { type: 'Hostname', address: name },
          { type: 'InternalIP', address: ip },
        ],
      }
    : {},
});

test('desiredPodRoutes', () => {
  const cases: Array<{ name: string; nodes: NodeLike[]; self: string; selfIP?: string; want: string[] }> = [
    { name: 'only itself', nodes: [node('a', '10.244.0.0/24', '172.30.0.2')], self: 'a', want: [] },
    {
      name: 'two others, sorted by destination',
      nodes: [
        node('c', '10.244.2.0/24', '172.30.0.4'),
        node('a', '10.244.0.0/24', '172.30.0.2'),
        node('b', '10.244.1.0/24', '172.30.0.3'),
      ],
      self: 'a',
      want: ['10.244.1.0/24 via 172.30.0.3', '10.244.2.0/24 via 172.30.0.4'],
    },
    {
      name: 'nodes without CIDR, IP or with IPv6 only are skipped',
      nodes: [
        node('b', '10.244.1.0/24'),
        node('c', undefined, '172.30.0.4'),
        node('d', '10.244.3.0/24', 'fd00::1'),
      ],
      self: 'a',
      want: [],
    },
    {
      name: 'host bits are cleared; a CIDR claimed twice goes to the first by name',
      nodes: [node('c', '10.244.1.7/24', '172.30.0.4'), node('b', '10.244.1.0/24', '172.30.0.3')],
      self: 'a',
      want: ['10.244.1.0/24 via 172.30.0.3'],
    },
    {
      name: 'a node at our own address or with our own CIDR is skipped',
      nodes: [
        node('a', '10.244.0.0/24', '172.30.0.2'),
        node('b', '10.244.0.0/24', '172.30.0.3'),
        node('c', '10.244.2.0/24', '172.30.0.2'),
      ],
      self: 'a',
      selfIP: '172.30.0.2',
      want: [],
    },
  ];
  for (const c of cases) {
    const got = desiredPodRoutes(c.nodes, c.self, c.selfIP).map((r) => `${r.dst} via ${r.via}`);
    assert.deepEqual(got, c.want, c.name);
  }
  assert.equal(podCidrOf(node('x', 'garbage')), undefined);
});

test('planRoutes replaces changed and new routes, removes stale ones, keeps the rest', () => {
  const plan = planRoutes(
    [
      { dst: '10.244.1.0/24', via: '172.30.0.3' },
      { dst: '10.244.2.0/24', via: '172.30.0.4' },
      { dst: '10.244.9.0/24', via: '172.30.0.9' },
    ],
    [
      { dst: '10.244.1.0/24', via: '172.30.0.3' },
      { dst: '10.244.2.0/24', via: '172.30.0.5' },
      { dst: '10.244.3.0/24', via: '172.30.0.6' },
    ],
  );
  assert.deepEqual(plan.replace, [
    { dst: '10.244.2.0/24', via: '172.30.0.5' },
    { dst: '10.244.3.0/24', via: '172.30.0.6' },
  ]);
  assert.deepEqual(plan.remove, [{ dst: '10.244.9.0/24', via: '172.30.0.9' }]);
});

test('parseRoutes reads ip -j output', () => {
  const json = JSON.stringify([
    { dst: '10.244.1.0/24', gateway: '172.30.0.3', dev: 'eth0', protocol: '250', flags: [] },
    { dst: '10.9.9.9', gateway: '172.30.0.3', dev: 'eth0', protocol: '250', flags: [] },
    { dst: '10.244.5.0/24', dev: 'eth0', protocol: '250', flags: [] },
  ]);
  assert.deepEqual(parseRoutes(json), [
    { dst: '10.244.1.0/24', via: '172.30.0.3' },
    { dst: '10.9.9.9/32', via: '172.30.0.3' },
  ]);
  assert.deepEqual(parseRoutes(''), []);
});

test('RouteTable only lists, writes and deletes routes with its protocol number', async () => {
  const calls: string[] = [];
  const table = new RouteTable({
    proto: 250,
    netns: 'm1',
    runner: async (argv, o) => {
      calls.push(`${o?.netns ?? '-'}: ${argv.join(' ')}`);
      const stdout = argv.includes('show')
        ? JSON.stringify([{ dst: '10.244.7.0/24', gateway: '172.30.0.7' }])
        : '';
      return { code: 0, stdout, stderr: '' };
    },
  });
  const r = await table.sync([{ dst: '10.244.1.0/24', via: '172.30.0.3' }]);
  assert.deepEqual(r.removed, [{ dst: '10.244.7.0/24', via: '172.30.0.7' }]);
  assert.deepEqual(calls, [
    'm1: ip -j -4 route show proto 250',
    'm1: ip route del 10.244.7.0/24 via 172.30.0.7 proto 250',
    'm1: ip route replace 10.244.1.0/24 via 172.30.0.3 proto 250',
  ]);
  assert.throws(() => new RouteTable({ proto: 256 }), /1\.\.255/);
});

test('RouteTable.remove: a route already gone is fine, other failures are not', async () => {
  const mk = (stderr: string) => new RouteTable({ runner: async () => ({ code: 2, stdout: '', stderr }) });
  await mk('RTNETLINK answers: No such process').remove({ dst: '10.244.1.0/24', via: '1.2.3.4' });
  await assert.rejects(
    mk('RTNETLINK answers: Operation not permitted').remove({ dst: '10.244.1.0/24', via: '1.2.3.4' }),
    /Operation not permitted/,
  );
});

test('masquerade script: own table, atomic re-definition, pod-to-pod excluded', () => {
  const s = masqueradeScript({ podCidr: '10.244.1.0/24', clusterCidr: '10.244.0.0/16' });
  assert.equal(
    s,
    [
      'table ip berth-podnet',
      'delete table ip berth-podnet',
      'table ip berth-podnet {',
      '\tchain postrouting {',
      '\t\ttype nat hook postrouting priority srcnat; policy accept;',
      '\t\tip saddr 10.244.1.0/24 ip daddr != 10.244.0.0/16 ip daddr != 224.0.0.0/4 masquerade',
      '\t}',
      '}',
      '',
    ].join('\n'),
  );
  assert.equal(unmasqueradeScript(), 'table ip berth-podnet\ndelete table ip berth-podnet\n');
  assert.throws(() => masqueradeScript({ podCidr: '10.244.1.0/24', clusterCidr: 'x' }), /cluster CIDR/);
  assert.throws(() => masqueradeScript({ podCidr: 'nope', clusterCidr: '10.244.0.0/16' }), /pod CIDR/);
});
