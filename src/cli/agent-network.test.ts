import { test } from 'node:test';
import assert from 'node:assert/strict';
import { agentNetworkFrom } from './agent-network.ts';
import { CliError } from './cli-error.ts';

test('the agent hosts proxy, NetworkPolicy and DNS workers with containerd, each can be turned off', () => {
  const cases: Array<[string, Parameters<typeof agentNetworkFrom>[0], string[]]> = [
    ['containerd: all on', { runtime: 'containerd' }, ['service-proxy', 'network-policy', 'cluster-dns']],
    ['no proxy', { runtime: 'containerd', serviceProxy: false }, ['network-policy', 'cluster-dns']],
    ['no policy', { runtime: 'containerd', networkPolicy: false }, ['service-proxy', 'cluster-dns']],
    ['no dns', { runtime: 'containerd', dnsServer: false }, ['service-proxy', 'network-policy']],
    ['runtime none: nothing', { runtime: 'none' }, []],
  ];
  for (const [name, flags, want] of cases)
    assert.deepEqual(
      agentNetworkFrom(flags).workers.map((w) => w.name),
      want,
      name,
    );
});

test('pods get the cluster DNS address and domain', () => {
  assert.deepEqual(agentNetworkFrom({ runtime: 'none' }).clusterDNS, ['10.96.0.10']);
  const n = agentNetworkFrom({ runtime: 'none', clusterDns: '10.100.0.10', clusterDomain: 'example.org.' });
  assert.deepEqual([n.clusterDNS, n.clusterDomain], [['10.100.0.10'], 'example.org']);
});

test('bad flags are refused before anything starts', () => {
  for (const flags of [
    { runtime: 'containerd', lbPool: '172.31.0.0/40' },
    { runtime: 'containerd', serviceCidr: 'x' },
    { runtime: 'containerd', clusterDns: 'dns' },
    { runtime: 'containerd', dnsPort: '70000' },
    { runtime: 'containerd', dnsUdpThreads: '-1' },
    { runtime: 'containerd', dnsUdpThreads: 'two' },
    { runtime: 'containerd', nodeportAddresses: '10.0.0.1,nope' },
  ])
    assert.throws(() => agentNetworkFrom(flags), CliError, JSON.stringify(flags));
});
