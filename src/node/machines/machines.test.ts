import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gatewayAddress, hostIndex, nextFreeAddress, parseSubnet, subnetContains } from './addressing.ts';
import { agentArgsFrom, formatMachines, joinFrom, requireRoot } from './cli.ts';
import { isLoopbackHost, kubeconfigServer, writeKubeconfigFor } from './join.ts';
import { hostVethName, machineCgroupRoot } from './netns-provider.ts';
import { StateStore } from './state-store.ts';

test('subnets: parsing, gateway, next free address, index', () => {
  const s = parseSubnet('172.30.0.9/24');
  assert.equal(s.cidr, '172.30.0.0/24');
  assert.equal(gatewayAddress(s), '172.30.0.1');
  const cases: Array<[string[], string]> = [
    [[], '172.30.0.2'],
    [['172.30.0.2'], '172.30.0.3'],
    [['172.30.0.3'], '172.30.0.2'],
    [['172.30.0.2', '172.30.0.4'], '172.30.0.3'],
  ];
  for (const [used, want] of cases) assert.equal(nextFreeAddress(s, used), want, used.join(','));
  const tiny = parseSubnet('10.0.0.0/29'); // .1 gateway, .2-.6 machines, .7 broadcast
  const all = ['10.0.0.2', '10.0.0.3', '10.0.0.4', '10.0.0.5', '10.0.0.6'];
  assert.throws(() => nextFreeAddress(tiny, all), /no free address left in 10\.0\.0\.0\/29/);
  assert.equal(hostIndex(s, '172.30.0.7'), 7);
  assert.ok(subnetContains(s, '172.30.0.200'));
  assert.ok(!subnetContains(s, '172.30.1.2'));
  for (const bad of ['172.30.0.0', '172.30.0.0/8', '172.30.0.0/30', '300.1.1.1/24', 'x/24'])
    assert.throws(() => parseSubnet(bad), /--subnet/, bad);
});

test('device names fit 15 characters and differ per bridge; cgroup root per machine', () => {
  const a = hostVethName('berth-br0', 254);
  assert.ok(a.length <= 15, a);
  assert.match(a, /^bm[0-9a-f]{4}-254$/);
  assert.notEqual(hostVethName('berth-br0', 2), hostVethName('other-br', 2));
  assert.equal(machineCgroupRoot('m1'), '/berth-machine-m1');
});

test('state store: update under the lock, read back, stale lock taken over', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'berth-machines-'));
  try {
    const st = new StateStore(dir);
    assert.deepEqual(st.read(), { version: 1, machines: {} });
    await st.update((s) => {
      s.bridge = { name: 'br', subnet: '172.30.0.0/24', gateway: '172.30.0.1', created: true };
      s.machines.m1 = {
        name: 'm1',
        address: '172.30.0.2',
        hostVeth: 'bmx-2',
        dir: join(dir, 'm1'),
        cgroupRoot: '/berth-machine-m1',
        createdAt: 'now',
      };
    });
    assert.equal(new StateStore(dir).read().machines.m1?.address, '172.30.0.2');
    writeFileSync(join(dir, 'state.lock'), '999999999\n'); // a pid that cannot exist
    await st.update((s) => {
      delete s.machines.m1;
    });
    assert.deepEqual(st.read().machines, {});
    // A failing update leaves the file as it was and releases the lock.
    await assert.rejects(
      st.update(() => {
        throw new Error('boom');
      }),
      /boom/,
    );
    await st.update(() => {});
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('join flags: exactly one way', () => {
  assert.deepEqual(joinFrom({ clusterKubeconfig: 'k' }), { kind: 'kubeconfig', kubeconfig: 'k' });
  assert.deepEqual(joinFrom({ server: 'https://s:1', token: 't', caCertHash: 'h' }), {
    kind: 'token',
    server: 'https://s:1',
    token: 't',
    caCertHash: 'h',
  });
  assert.throws(() => joinFrom({ clusterKubeconfig: 'k', token: 't' }), /either/);
  assert.throws(() => joinFrom({ server: 'https://s:1' }), /all of --server, --token and --ca-cert-hash/);
  assert.throws(() => requireRoot(1000), /^Error: berth machine needs root/);
  requireRoot(0);
  assert.deepEqual(agentArgsFrom(['--lease-renew 2s', '--x=1']), ['--lease-renew', '2s', '--x=1']);
});

test('loopback servers are recognised; kubeconfig servers are rewritten', () => {
  for (const h of ['127.0.0.1', 'localhost', '[::1]', '0.0.0.0', '127.3.2.1'])
    assert.ok(isLoopbackHost(h), h);
  for (const h of ['172.30.0.1', 'api.example', '10.0.0.1']) assert.ok(!isLoopbackHost(h), h);
  const dir = mkdtempSync(join(tmpdir(), 'berth-kc-'));
  try {
    const from = join(dir, 'admin');
    writeFileSync(
      from,
      'apiVersion: v1\nkind: Config\nclusters:\n- name: c\n  cluster:\n    server: https://127.0.0.1:6443\n    certificate-authority-data: QUJD\n',
    );
    assert.equal(kubeconfigServer(from), 'https://127.0.0.1:6443');
    writeKubeconfigFor(from, join(dir, 'm'), 'https://172.30.0.1:6443');
    assert.equal(kubeconfigServer(join(dir, 'm')), 'https://172.30.0.1:6443');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('machine list table', () => {
  const out = formatMachines([
    {
      name: 'm1',
      provider: 'netns',
      address: '172.30.0.2',
      state: 'running',
      pid: 42,
      podCIDR: '10.244.0.0/24',
      dir: '/d',
      createdAt: '',
    },
    { name: 'm2', provider: 'netns', address: '172.30.0.3', state: 'stopped', dir: '/d', createdAt: '' },
  ]);
  assert.equal(
    out,
    [
      'NAME   ADDRESS      STATE     PID   POD-CIDR',
      'm1     172.30.0.2   running   42    10.244.0.0/24',
      'm2     172.30.0.3   stopped   -     -',
      '',
    ].join('\n'),
  );
});
