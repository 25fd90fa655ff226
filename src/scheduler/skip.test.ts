/**
 * The Skip answers of preFilter/preScore: a plugin may sit a cycle out only when it has nothing to
 * do for the pod. Each case below is decided by exactly one plugin (n0 — the node an unconstrained
 * pod would get — is the wrong answer), so a plugin skipped when it is needed fails its case. Every
 * case is also run with a profile whose plugins never skip, and both must agree.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { frozenCopy } from '../client/store.ts';
import { failedSchedulingMessage } from './diagnosis.ts';
import { makeNode, makePod } from './fixtures.ts';
import { defaultProfile, schedulePod, type Profile } from './framework.ts';
import { Snapshot } from './node-info.ts';
import { cycleState, skip, type FilterPlugin, type ScorePlugin } from './plugins/types.ts';
import type { Node, Pod, PodSpec } from './types.ts';

/** The default profile with every Skip answer dropped: each plugin runs on every node. */
const neverSkip: Profile = {
  filters: defaultProfile.filters.map((f): FilterPlugin => ({
    name: f.name,
    preFilter: (state) => {
      const r = f.preFilter?.(state);
      return r === skip ? undefined : r;
    },
    filter: (state, node) => f.filter(state, node),
  })),
  scores: defaultProfile.scores.map((s): ScorePlugin => ({
    ...s,
    preScore: (state, nodes) => {
      const r = s.preScore?.(state, nodes);
      return r === skip ? undefined : r;
    },
  })),
};

const zoneNodes = (): Node[] =>
  ['a', 'a', 'b', 'b'].map((zone, i) => makeNode(`n${i}`, { labels: { zone } }));

/** Zone nodes where n0 and n1 are far larger: the resource scores want them even with pods on them. */
const bigZoneA = (): Node[] =>
  ['a', 'a', 'b', 'b'].map((zone, i) =>
    makeNode(`n${i}`, { labels: { zone }, ...(zone === 'a' ? { cpu: '64', memory: '256Gi' } : {}) }),
  );

const webAnti = {
  podAntiAffinity: {
    requiredDuringSchedulingIgnoredDuringExecution: [
      { labelSelector: { matchLabels: { app: 'web' } }, topologyKey: 'kubernetes.io/hostname' },
    ],
  },
};

interface Case {
  name: string;
  pod: Pod;
  nodes?: Node[];
  placed?: Pod[];
  /** The node chosen, or `none: MESSAGE`. */
  want: string;
}

const cases: Case[] = [
  {
    name: 'NodeName: spec.nodeName set by hand',
    pod: makePod('p', {}, { nodeName: 'n2' }),
    want: 'n2',
  },
  {
    name: 'NodeAffinity: nodeSelector',
    pod: makePod('p', {}, { nodeSelector: { zone: 'b' } }),
    want: 'n2',
  },
  {
    name: 'NodeAffinity: required node affinity',
    pod: makePod('p', {}, {
      affinity: {
        nodeAffinity: {
          requiredDuringSchedulingIgnoredDuringExecution: {
            nodeSelectorTerms: [{ matchExpressions: [{ key: 'zone', operator: 'NotIn', values: ['a'] }] }],
          },
        },
      },
    } as Partial<PodSpec>),
    want: 'n2',
  },
  {
    name: 'NodePorts: the host port is taken on n0',
    pod: makePod(
      'p',
      {},
      {
        containers: [{ name: 'c', ports: [{ containerPort: 80, hostPort: 8080 }] }],
      },
    ),
    nodes: bigZoneA(),
    placed: [
      makePod(
        'old',
        {},
        {
          nodeName: 'n0',
          containers: [{ name: 'c', ports: [{ containerPort: 80, hostPort: 8080 }] }],
        },
      ),
    ],
    want: 'n1',
  },
  {
    name: 'PodTopologySpread DoNotSchedule: zone a already holds two matching pods',
    pod: makePod(
      'p',
      {},
      {
        topologySpreadConstraints: [
          {
            maxSkew: 1,
            topologyKey: 'zone',
            whenUnsatisfiable: 'DoNotSchedule',
            labelSelector: { matchLabels: { app: 'web' } },
          },
        ],
      } as Partial<PodSpec>,
      { app: 'web' },
    ),
    nodes: bigZoneA(),
    placed: [
      makePod('w1', {}, { nodeName: 'n0' }, { app: 'web' }),
      makePod('w2', {}, { nodeName: 'n1' }, { app: 'web' }),
    ],
    want: 'n2',
  },
  {
    name: "InterPodAffinity: an existing pod's anti-affinity keeps the web pod off n0",
    pod: makePod('p', {}, {}, { app: 'web' }),
    nodes: bigZoneA(),
    placed: [makePod('w1', {}, { nodeName: 'n0', affinity: webAnti } as Partial<PodSpec>, { app: 'web' })],
    want: 'n1',
  },
  {
    name: 'InterPodAffinity: required pod affinity to a pod on n3',
    pod: makePod('p', {}, {
      affinity: {
        podAffinity: {
          requiredDuringSchedulingIgnoredDuringExecution: [
            { labelSelector: { matchLabels: { app: 'db' } }, topologyKey: 'kubernetes.io/hostname' },
          ],
        },
      },
    } as Partial<PodSpec>),
    placed: [makePod('db', {}, { nodeName: 'n3' }, { app: 'db' })],
    want: 'n3',
  },
  {
    name: 'TaintToleration score: a PreferNoSchedule taint on n0',
    pod: makePod('p'),
    nodes: [
      makeNode('n0', { taints: [{ key: 'slow', effect: 'PreferNoSchedule' }] }),
      makeNode('n1'),
      makeNode('n2'),
    ],
    want: 'n1',
  },
  {
    name: 'NodeAffinity score: a preferred term for zone b',
    pod: makePod('p', {}, {
      affinity: {
        nodeAffinity: {
          preferredDuringSchedulingIgnoredDuringExecution: [
            {
              weight: 10,
              preference: { matchExpressions: [{ key: 'zone', operator: 'In', values: ['b'] }] },
            },
          ],
        },
      },
    } as Partial<PodSpec>),
    want: 'n2',
  },
  {
    name: 'PodTopologySpread score: ScheduleAnyway away from the zone with matching pods',
    pod: makePod(
      'p',
      {},
      {
        topologySpreadConstraints: [
          {
            maxSkew: 1,
            topologyKey: 'zone',
            whenUnsatisfiable: 'ScheduleAnyway',
            labelSelector: { matchLabels: { app: 'web' } },
          },
        ],
      } as Partial<PodSpec>,
      { app: 'web' },
    ),
    placed: [makePod('w1', {}, { nodeName: 'n1' }, { app: 'web' })],
    want: 'n2',
  },
  {
    name: 'TaintToleration filter (never skipped): NoSchedule on every node but n3',
    pod: makePod('p'),
    nodes: ['n0', 'n1', 'n2'].map((n) =>
      makeNode(n, { taints: [{ key: 'dedicated', value: 'x', effect: 'NoSchedule' }] }),
    ),
    want:
      'none: 0/3 nodes are available: 3 node(s) had untolerated taint {dedicated: x}. ' +
      'preemption: 0/3 nodes are available: 3 Preemption is not helpful for scheduling.',
  },
  {
    name: 'NodeResourcesFit (never skipped): extended resource only n1 has',
    pod: makePod('p', { 'nvidia.com/gpu': '1' }),
    nodes: [makeNode('n0'), makeNode('n1', { extra: { 'nvidia.com/gpu': '2' } })],
    want: 'n1',
  },
];

function decide(profile: Profile, c: Case): string {
  const snap = Snapshot.build(
    (c.nodes ?? zoneNodes()).map((n) => frozenCopy(n)),
    (c.placed ?? []).map((p) => frozenCopy(p)),
  );
  const r = schedulePod(frozenCopy(c.pod), snap, profile);
  if (r.node !== undefined) return r.node;
  return `none: ${failedSchedulingMessage(r.diagnosis, '0/3 nodes are available: 3 Preemption is not helpful for scheduling.')}`;
}

test('a plugin a pod needs is never skipped: each case is decided by one plugin', () => {
  for (const c of cases) {
    assert.equal(decide(defaultProfile, c), c.want, c.name);
    assert.equal(decide(neverSkip, c), c.want, `${c.name} (no skipping)`);
  }
});

test('a plain pod on plain nodes skips every plugin that has nothing to do', () => {
  const snap = Snapshot.build(
    zoneNodes().map((n) => frozenCopy(n)),
    [],
  );
  const state = cycleState(frozenCopy(makePod('p', { cpu: '100m' })), snap);
  const skippedFilters = defaultProfile.filters
    .filter((f) => f.preFilter?.(state) === skip)
    .map((f) => f.name);
  assert.deepEqual(skippedFilters, [
    'NodeName',
    'NodeAffinity',
    'NodePorts',
    'PodTopologySpread',
    'InterPodAffinity',
  ]);
  const skippedScores = defaultProfile.scores
    .filter((s) => s.preScore?.(state, snap.nodes) === skip)
    .map((s) => s.name);
  assert.deepEqual(skippedScores, ['TaintToleration', 'NodeAffinity', 'PodTopologySpread']);
});

test('InterPodAffinity is not skipped once any pod with required anti-affinity selects the pod', () => {
  const placed = [
    makePod('w1', {}, { nodeName: 'n0', affinity: webAnti } as Partial<PodSpec>, { app: 'web' }),
  ];
  const snap = Snapshot.build(
    zoneNodes().map((n) => frozenCopy(n)),
    placed.map((p) => frozenCopy(p)),
  );
  const ipa = defaultProfile.filters.find((f) => f.name === 'InterPodAffinity')!;
  const web = cycleState(frozenCopy(makePod('p', {}, {}, { app: 'web' })), snap);
  assert.notEqual(ipa.preFilter?.(web), skip);
  // The anti-affinity term does not select a pod labelled app=db: nothing to check for it.
  const db = cycleState(frozenCopy(makePod('q', {}, {}, { app: 'db' })), snap);
  assert.equal(ipa.preFilter?.(db), skip);
});
