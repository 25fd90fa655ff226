import assert from 'node:assert/strict';
import { test } from 'node:test';
import { frozenCopy } from '../../client/store.ts';
import { makeNode, makePod, container } from '../fixtures.ts';
import { Snapshot } from '../node-info.ts';
import { podRequests } from '../resources.ts';
import type { Node, Pod } from '../types.ts';
import { nodeName, nodePorts, nodeUnschedulable } from './node-basics.ts';
import { nodeAffinity, nodeAffinityScore } from './node-affinity.ts';
import { interPodAffinity } from './inter-pod-affinity.ts';
import { balancedAllocation, leastAllocated, nodeResourcesFit } from './resources-fit.ts';
import { taintToleration, taintTolerationScore } from './taint-toleration.ts';
import { podTopologySpread, podTopologySpreadScore } from './topology-spread.ts';
import { cycleState, type FilterPlugin, type ScorePlugin } from './types.ts';

/** Runs a filter plugin for `pod` on every node; returns node → first reason ('' when it fits). */
function filter(plugin: FilterPlugin, pod: Pod, nodes: Node[], placed: Pod[] = []): Record<string, string> {
  const snap = Snapshot.build(
    nodes.map((n) => frozenCopy(n)),
    placed.map((p) => frozenCopy(p)),
  );
  const state = cycleState(frozenCopy(pod), snap);
  plugin.preFilter?.(state);
  const out: Record<string, string> = {};
  for (const n of snap.nodes) out[n.name] = plugin.filter(state, n)?.reasons[0] ?? '';
  return out;
}

function score(plugin: ScorePlugin, pod: Pod, nodes: Node[], placed: Pod[] = []): Record<string, number> {
  const snap = Snapshot.build(
    nodes.map((n) => frozenCopy(n)),
    placed.map((p) => frozenCopy(p)),
  );
  const state = cycleState(frozenCopy(pod), snap);
  plugin.preScore?.(state, snap.nodes);
  const raw = snap.nodes.map((n) => plugin.score(state, n));
  plugin.normalize?.(raw);
  return Object.fromEntries(snap.nodes.map((n, i) => [n.name, raw[i]!]));
}

const on = (p: Pod, node: string): Pod => ({ ...p, spec: { ...p.spec, nodeName: node } });

test('podRequests: max(sum of containers, largest init container) + overhead', () => {
  const cases: { name: string; pod: Pod; want: Record<string, number> }[] = [
    {
      name: 'one container',
      pod: makePod('a', { cpu: '500m', memory: '1Gi' }),
      want: { cpu: 500, memory: 1 << 30 },
    },
    {
      name: 'containers add up, init is smaller',
      pod: makePod(
        'a',
        {},
        {
          containers: [container('x', { cpu: '1' }), container('y', { cpu: '1500m' })],
          initContainers: [container('i', { cpu: '2' })],
        },
      ),
      want: { cpu: 2500 },
    },
    {
      name: 'init container larger than the sum',
      pod: makePod(
        'a',
        {},
        {
          containers: [container('x', { cpu: '1' })],
          initContainers: [container('i', { cpu: '3', 'nvidia.com/gpu': '1' })],
        },
      ),
      want: { cpu: 3000, 'nvidia.com/gpu': 1 },
    },
    {
      name: 'overhead added',
      pod: makePod('a', { cpu: '1' }, { overhead: { cpu: '250m' } }),
      want: { cpu: 1250 },
    },
  ];
  for (const c of cases) assert.deepEqual(Object.fromEntries(podRequests(frozenCopy(c.pod))), c.want, c.name);
});

test('NodeResourcesFit filter', () => {
  const nodes = [
    makeNode('small', { cpu: '1', memory: '1Gi', pods: '2', extra: { 'nvidia.com/gpu': '1' } }),
    makeNode('big', { cpu: '16', memory: '64Gi' }),
  ];
  const busy = [on(makePod('p1', { cpu: '500m' }), 'small'), on(makePod('p2', {}), 'small')];
  const cases: { name: string; pod: Pod; placed?: Pod[]; want: Record<string, string> }[] = [
    { name: 'fits both', pod: makePod('x', { cpu: '1' }), want: { small: '', big: '' } },
    { name: 'too much cpu', pod: makePod('x', { cpu: '2' }), want: { small: 'Insufficient cpu', big: '' } },
    {
      name: 'too much memory everywhere',
      pod: makePod('x', { memory: '100Gi' }),
      want: { small: 'Insufficient memory', big: 'Insufficient memory' },
    },
    {
      name: 'extended resource only on small',
      pod: makePod('x', { 'nvidia.com/gpu': '1' }),
      want: { small: '', big: 'Insufficient nvidia.com/gpu' },
    },
    {
      name: 'ephemeral-storage',
      pod: makePod('x', { 'ephemeral-storage': '200Gi' }),
      want: { small: 'Insufficient ephemeral-storage', big: 'Insufficient ephemeral-storage' },
    },
    {
      name: 'requests of placed pods count',
      pod: makePod('x', { cpu: '600m' }),
      placed: busy.slice(0, 1),
      want: { small: 'Insufficient cpu', big: '' },
    },
    { name: 'pod count limit', pod: makePod('x'), placed: busy, want: { small: 'Too many pods', big: '' } },
  ];
  for (const c of cases) assert.deepEqual(filter(nodeResourcesFit, c.pod, nodes, c.placed), c.want, c.name);
});

test('NodeName, NodeUnschedulable and NodePorts filters', () => {
  const nodes = [makeNode('a'), makeNode('b', { unschedulable: true })];
  const port = (p: number) =>
    makePod('x', {}, { containers: [container('c', {}, { ports: [{ containerPort: 80, hostPort: p }] })] });
  const cases: {
    name: string;
    plugin: FilterPlugin;
    pod: Pod;
    placed?: Pod[];
    want: Record<string, string>;
  }[] = [
    {
      name: 'nodeName set',
      plugin: nodeName,
      pod: makePod('x', {}, { nodeName: 'a' }),
      want: { a: '', b: "node(s) didn't match the requested node name" },
    },
    {
      name: 'cordoned',
      plugin: nodeUnschedulable,
      pod: makePod('x'),
      want: { a: '', b: 'node(s) were unschedulable' },
    },
    {
      name: 'cordon tolerated',
      plugin: nodeUnschedulable,
      pod: makePod(
        'x',
        {},
        {
          tolerations: [
            { key: 'node.kubernetes.io/unschedulable', operator: 'Exists', effect: 'NoSchedule' },
          ],
        },
      ),
      want: { a: '', b: '' },
    },
    {
      name: 'host port taken',
      plugin: nodePorts,
      pod: port(8080),
      placed: [on(port(8080), 'a')],
      want: { a: "node(s) didn't have free ports for the requested pod ports", b: '' },
    },
    {
      name: 'other host port',
      plugin: nodePorts,
      pod: port(8081),
      placed: [on(port(8080), 'a')],
      want: { a: '', b: '' },
    },
  ];
  for (const c of cases) assert.deepEqual(filter(c.plugin, c.pod, nodes, c.placed), c.want, c.name);
});

test('TaintToleration filter and PreferNoSchedule score', () => {
  const nodes = [
    makeNode('plain'),
    makeNode('gpu', { taints: [{ key: 'gpu', value: 'true', effect: 'NoSchedule' }] }),
    makeNode('drain', { taints: [{ key: 'maint', effect: 'NoExecute' }] }),
    makeNode('soft', { taints: [{ key: 'spot', value: 'yes', effect: 'PreferNoSchedule' }] }),
  ];
  const cases: { name: string; pod: Pod; want: Record<string, string> }[] = [
    {
      name: 'no tolerations',
      pod: makePod('x'),
      want: {
        plain: '',
        gpu: 'node(s) had untolerated taint {gpu: true}',
        drain: 'node(s) had untolerated taint {maint: }',
        soft: '',
      },
    },
    {
      name: 'Equal toleration',
      pod: makePod(
        'x',
        {},
        { tolerations: [{ key: 'gpu', operator: 'Equal', value: 'true', effect: 'NoSchedule' }] },
      ),
      want: { plain: '', gpu: '', drain: 'node(s) had untolerated taint {maint: }', soft: '' },
    },
    {
      name: 'wrong value',
      pod: makePod('x', {}, { tolerations: [{ key: 'gpu', value: 'false' }] }),
      want: {
        plain: '',
        gpu: 'node(s) had untolerated taint {gpu: true}',
        drain: 'node(s) had untolerated taint {maint: }',
        soft: '',
      },
    },
    {
      name: 'tolerate everything',
      pod: makePod('x', {}, { tolerations: [{ operator: 'Exists' }] }),
      want: { plain: '', gpu: '', drain: '', soft: '' },
    },
  ];
  for (const c of cases) assert.deepEqual(filter(taintToleration, c.pod, nodes), c.want, c.name);
  assert.deepEqual(score(taintTolerationScore, makePod('x'), [nodes[0]!, nodes[3]!]), {
    plain: 100,
    soft: 0,
  });
  const tolerant = makePod(
    'x',
    {},
    { tolerations: [{ key: 'spot', operator: 'Exists', effect: 'PreferNoSchedule' }] },
  );
  assert.deepEqual(score(taintTolerationScore, tolerant, [nodes[0]!, nodes[3]!]), { plain: 100, soft: 100 });
});

test('NodeAffinity filter: nodeSelector and required terms with every operator', () => {
  const nodes = [
    makeNode('a', { labels: { zone: 'z1', disk: 'ssd', cores: '8' } }),
    makeNode('b', { labels: { zone: 'z2', cores: '2' } }),
    makeNode('c', { labels: { zone: 'z3' } }),
  ];
  const miss = "node(s) didn't match Pod's node affinity/selector";
  const req = (...exprs: { key: string; operator: string; values?: string[] }[]) =>
    makePod(
      'x',
      {},
      {
        affinity: {
          nodeAffinity: {
            requiredDuringSchedulingIgnoredDuringExecution: {
              nodeSelectorTerms: [{ matchExpressions: exprs }],
            },
          },
        },
      },
    );
  const cases: { name: string; pod: Pod; want: Record<string, string> }[] = [
    {
      name: 'nodeSelector',
      pod: makePod('x', {}, { nodeSelector: { disk: 'ssd' } }),
      want: { a: '', b: miss, c: miss },
    },
    {
      name: 'In',
      pod: req({ key: 'zone', operator: 'In', values: ['z1', 'z2'] }),
      want: { a: '', b: '', c: miss },
    },
    {
      name: 'NotIn',
      pod: req({ key: 'zone', operator: 'NotIn', values: ['z1'] }),
      want: { a: miss, b: '', c: '' },
    },
    { name: 'Exists', pod: req({ key: 'disk', operator: 'Exists' }), want: { a: '', b: miss, c: miss } },
    {
      name: 'DoesNotExist',
      pod: req({ key: 'disk', operator: 'DoesNotExist' }),
      want: { a: miss, b: '', c: '' },
    },
    {
      name: 'Gt',
      pod: req({ key: 'cores', operator: 'Gt', values: ['4'] }),
      want: { a: '', b: miss, c: miss },
    },
    {
      name: 'Lt',
      pod: req({ key: 'cores', operator: 'Lt', values: ['4'] }),
      want: { a: miss, b: '', c: miss },
    },
    {
      name: 'ANDed expressions',
      pod: req(
        { key: 'zone', operator: 'In', values: ['z1', 'z2'] },
        { key: 'cores', operator: 'Lt', values: ['4'] },
      ),
      want: { a: miss, b: '', c: miss },
    },
    {
      name: 'ORed terms',
      pod: makePod(
        'x',
        {},
        {
          affinity: {
            nodeAffinity: {
              requiredDuringSchedulingIgnoredDuringExecution: {
                nodeSelectorTerms: [
                  { matchExpressions: [{ key: 'zone', operator: 'In', values: ['z3'] }] },
                  { matchFields: [{ key: 'metadata.name', operator: 'In', values: ['a'] }] },
                ],
              },
            },
          },
        },
      ),
      want: { a: '', b: miss, c: '' },
    },
  ];
  for (const c of cases) assert.deepEqual(filter(nodeAffinity, c.pod, nodes), c.want, c.name);
  const preferred = makePod(
    'x',
    {},
    {
      affinity: {
        nodeAffinity: {
          preferredDuringSchedulingIgnoredDuringExecution: [
            {
              weight: 80,
              preference: { matchExpressions: [{ key: 'zone', operator: 'In', values: ['z2'] }] },
            },
            { weight: 20, preference: { matchExpressions: [{ key: 'disk', operator: 'Exists' }] } },
          ],
        },
      },
    },
  );
  assert.deepEqual(score(nodeAffinityScore, preferred, nodes), { a: 25, b: 100, c: 0 });
});

test('InterPodAffinity filter: affinity, anti-affinity, existing pods anti-affinity', () => {
  const nodes = [
    makeNode('a', { labels: { zone: 'z1' } }),
    makeNode('b', { labels: { zone: 'z1' } }),
    makeNode('c', { labels: { zone: 'z2' } }),
    makeNode('d'),
  ];
  const term = (app: string, key = 'zone') => ({ labelSelector: { matchLabels: { app } }, topologyKey: key });
  const db = on(makePod('db', {}, {}, { app: 'db' }), 'a');
  const withAff = (kind: 'podAffinity' | 'podAntiAffinity', app: string, labels?: Record<string, string>) =>
    makePod(
      'x',
      {},
      { affinity: { [kind]: { requiredDuringSchedulingIgnoredDuringExecution: [term(app)] } } },
      labels,
    );
  const aff = "node(s) didn't match pod affinity rules";
  const anti = "node(s) didn't match pod anti-affinity rules";
  const cases: { name: string; pod: Pod; placed: Pod[]; want: Record<string, string> }[] = [
    {
      name: 'affinity to db zone',
      pod: withAff('podAffinity', 'db'),
      placed: [db],
      want: { a: '', b: '', c: aff, d: aff },
    },
    {
      name: 'affinity, no match anywhere, pod matches itself',
      pod: withAff('podAffinity', 'web', { app: 'web' }),
      placed: [db],
      want: { a: '', b: '', c: '', d: aff },
    },
    {
      name: 'affinity, no match anywhere',
      pod: withAff('podAffinity', 'web'),
      placed: [db],
      want: { a: aff, b: aff, c: aff, d: aff },
    },
    {
      name: 'anti-affinity to db zone',
      pod: withAff('podAntiAffinity', 'db'),
      placed: [db],
      want: { a: anti, b: anti, c: '', d: '' },
    },
    {
      name: 'existing pod repels',
      pod: makePod('x', {}, {}, { app: 'web' }),
      placed: [
        on(
          makePod(
            'lonely',
            {},
            {
              affinity: {
                podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [term('web')] },
              },
            },
          ),
          'c',
        ),
      ],
      want: { a: '', b: '', c: "node(s) didn't satisfy existing pods anti-affinity rules", d: '' },
    },
  ];
  for (const c of cases) assert.deepEqual(filter(interPodAffinity, c.pod, nodes, c.placed), c.want, c.name);
});

test('PodTopologySpread: DoNotSchedule filter and ScheduleAnyway score', () => {
  const nodes = [
    makeNode('a', { labels: { zone: 'z1' } }),
    makeNode('b', { labels: { zone: 'z1' } }),
    makeNode('c', { labels: { zone: 'z2' } }),
    makeNode('d'),
  ];
  const web = (n: string, node: string) => on(makePod(n, {}, {}, { app: 'web' }), node);
  const spread = (when: string, maxSkew = 1) =>
    makePod(
      'x',
      {},
      {
        topologySpreadConstraints: [
          {
            maxSkew,
            topologyKey: 'zone',
            whenUnsatisfiable: when,
            labelSelector: { matchLabels: { app: 'web' } },
          },
        ],
      },
      { app: 'web' },
    );
  const skew = "node(s) didn't match pod topology spread constraints";
  const missing = "node(s) didn't match pod topology spread constraints (missing required label)";
  assert.deepEqual(filter(podTopologySpread, spread('DoNotSchedule'), nodes, [web('w1', 'a')]), {
    a: skew,
    b: skew,
    c: '',
    d: missing,
  });
  assert.deepEqual(filter(podTopologySpread, spread('DoNotSchedule', 2), nodes, [web('w1', 'a')]), {
    a: '',
    b: '',
    c: '',
    d: missing,
  });
  assert.deepEqual(
    filter(podTopologySpread, spread('DoNotSchedule'), nodes, [web('w1', 'a'), web('w2', 'c')]),
    { a: '', b: '', c: '', d: missing },
  );
  assert.deepEqual(filter(podTopologySpread, spread('ScheduleAnyway'), nodes, [web('w1', 'a')]), {
    a: '',
    b: '',
    c: '',
    d: '',
  });
  const s = score(podTopologySpreadScore, spread('ScheduleAnyway'), nodes.slice(0, 3), [
    web('w1', 'a'),
    web('w2', 'b'),
  ]);
  assert.ok(s.c! > s.a!, `z2 should score higher: ${JSON.stringify(s)}`);
});

test('LeastAllocated and BalancedAllocation scores', () => {
  const nodes = [
    makeNode('empty', { cpu: '4', memory: '8Gi' }),
    makeNode('half', { cpu: '4', memory: '8Gi' }),
  ];
  const placed = [on(makePod('p', { cpu: '2', memory: '1Gi' }), 'half')];
  const pod = makePod('x', { cpu: '1', memory: '1Gi' });
  const least = score(leastAllocated, pod, nodes, placed);
  assert.ok(least.empty! > least.half!, JSON.stringify(least));
  const balanced = score(balancedAllocation, pod, nodes, placed);
  // empty: cpu 25 %, memory 12.5 %; half: cpu 75 %, memory 25 % — empty is better balanced.
  assert.ok(balanced.empty! > balanced.half!, JSON.stringify(balanced));
  assert.equal(score(balancedAllocation, makePod('x', { cpu: '2', memory: '4Gi' }), [nodes[0]!]).empty, 100);
});
