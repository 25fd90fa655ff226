import { test } from 'node:test';
import assert from 'node:assert/strict';
import { StatusError } from '../../api/errors.ts';
import type { KubeObject } from '../../api/object.ts';
import { agentAddress, agentPath, resolveContainer } from './pod-streams.ts';

const pod = (containers: string[], init: string[] = []): KubeObject => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name: 'web', namespace: 'default' },
  spec: { containers: containers.map((name) => ({ name })), initContainers: init.map((name) => ({ name })) },
});

test('resolveContainer: the named one, the only one, or Kubernetes words', () => {
  assert.equal(resolveContainer(pod(['main']), ''), 'main');
  assert.equal(resolveContainer(pod(['a', 'b'], ['setup']), 'setup'), 'setup');
  const cases: [KubeObject, string, RegExp][] = [
    [pod(['a', 'b']), '', /^a container name must be specified for pod web, choose one of: \[a b\]$/],
    [pod(['a', 'b'], ['i']), '', /or one of the init containers: \[i\]$/],
    [pod(['main']), 'nope', /^container nope is not valid for pod web$/],
  ];
  for (const [p, name, msg] of cases)
    assert.throws(
      () => resolveContainer(p, name),
      (e: unknown) => e instanceof StatusError && e.status.code === 400 && msg.test(e.message),
    );
});

test('agentPath: the kubelet layout and parameter names', () => {
  const q = (s: string) => new URLSearchParams(s);
  const cases: [string, string, string][] = [
    [
      'log',
      'container=c&follow=true&tailLines=5&previous=false&sinceSeconds=9',
      '/containerLogs/ns/p/c?follow=true&tailLines=5&sinceSeconds=9',
    ],
    [
      'exec',
      'command=sh&command=-c&command=echo+a&stdin=true&stdout=true&tty=false',
      '/exec/ns/p/c?command=sh&command=-c&command=echo+a&input=1&output=1',
    ],
    ['attach', 'stdout=1&stderr=1&tty=1', '/attach/ns/p/c?output=1&error=1&tty=1'],
    ['portforward', 'ports=80,8080&ports=9', '/portForward/ns/p?port=80&port=8080&port=9'],
    ['portforward', '', '/portForward/ns/p'],
  ];
  for (const [sub, query, want] of cases)
    assert.equal(agentPath(sub, 'ns', 'p', 'c', q(query)), want, `${sub}?${query}`);
});

test('agentAddress: InternalIP and the published port, else 503', () => {
  const node = (status: unknown): KubeObject =>
    ({ apiVersion: 'v1', kind: 'Node', metadata: { name: 'n1' }, status }) as KubeObject;
  assert.deepEqual(
    agentAddress(
      node({
        addresses: [
          { type: 'Hostname', address: 'n1' },
          { type: 'InternalIP', address: '10.0.0.5' },
        ],
        daemonEndpoints: { kubeletEndpoint: { Port: 10250 } },
      }),
    ),
    { host: '10.0.0.5', port: 10250 },
  );
  assert.throws(
    () => agentAddress(node({ addresses: [] })),
    (e: unknown) => e instanceof StatusError && e.status.code === 503,
  );
});
