import assert from 'node:assert/strict';
import { test } from 'node:test';
import { daemonSetTolerations, nodeShouldRunDaemonPod, withDaemonTolerations } from './eligibility.ts';
import { isPodUpdated, newDaemonPod, targetNodeName } from './pod-template.ts';
import { dsObj, nodeObj } from './testing.ts';
import type { DaemonPodSpec, DaemonSet, Node } from './types.ts';

function dsWith(spec: Partial<DaemonPodSpec>): DaemonSet {
  const ds = dsObj('d');
  ds.spec.template!.spec = { ...ds.spec.template!.spec, ...spec };
  return ds;
}

const affinityIn = (key: string, values: string[]): Partial<DaemonPodSpec> => ({
  affinity: {
    nodeAffinity: {
      requiredDuringSchedulingIgnoredDuringExecution: {
        nodeSelectorTerms: [{ matchExpressions: [{ key, operator: 'In', values }] }],
      },
    },
  },
});

const cases: { name: string; ds: DaemonSet; node: Node; run: boolean; keep: boolean }[] = [
  { name: 'plain node', ds: dsWith({}), node: nodeObj('n'), run: true, keep: true },
  {
    name: 'nodeSelector matches',
    ds: dsWith({ nodeSelector: { disk: 'ssd' } }),
    node: nodeObj('n', { labels: { disk: 'ssd' } }),
    run: true,
    keep: true,
  },
  {
    name: 'nodeSelector does not match',
    ds: dsWith({ nodeSelector: { disk: 'ssd' } }),
    node: nodeObj('n', { labels: { disk: 'hdd' } }),
    run: false,
    keep: false,
  },
  {
    name: 'required affinity matches',
    ds: dsWith(affinityIn('zone', ['a', 'b'])),
    node: nodeObj('n', { labels: { zone: 'b' } }),
    run: true,
    keep: true,
  },
  {
    name: 'required affinity does not match',
    ds: dsWith(affinityIn('zone', ['a'])),
    node: nodeObj('n', { labels: { zone: 'c' } }),
    run: false,
    keep: false,
  },
  {
    name: 'matchFields metadata.name',
    ds: dsWith({
      affinity: {
        nodeAffinity: {
          requiredDuringSchedulingIgnoredDuringExecution: {
            nodeSelectorTerms: [
              { matchFields: [{ key: 'metadata.name', operator: 'NotIn', values: ['n'] }] },
            ],
          },
        },
      },
    }),
    node: nodeObj('n'),
    run: false,
    keep: false,
  },
  {
    name: 'template nodeName names another node',
    ds: dsWith({ nodeName: 'other' }),
    node: nodeObj('n'),
    run: false,
    keep: false,
  },
  {
    name: 'untolerated NoSchedule: no new pod, existing stays',
    ds: dsWith({}),
    node: nodeObj('n', { taints: [{ key: 'dedicated', value: 'db', effect: 'NoSchedule' }] }),
    run: false,
    keep: true,
  },
  {
    name: 'untolerated NoExecute: existing pod goes',
    ds: dsWith({}),
    node: nodeObj('n', { taints: [{ key: 'dedicated', value: 'db', effect: 'NoExecute' }] }),
    run: false,
    keep: false,
  },
  {
    name: 'PreferNoSchedule does not matter',
    ds: dsWith({}),
    node: nodeObj('n', { taints: [{ key: 'dedicated', effect: 'PreferNoSchedule' }] }),
    run: true,
    keep: true,
  },
  {
    name: 'tolerated NoSchedule',
    ds: dsWith({ tolerations: [{ key: 'dedicated', operator: 'Equal', value: 'db', effect: 'NoSchedule' }] }),
    node: nodeObj('n', { taints: [{ key: 'dedicated', value: 'db', effect: 'NoSchedule' }] }),
    run: true,
    keep: true,
  },
  {
    name: 'cordoned node (unschedulable taint) is covered by the default toleration',
    ds: dsWith({}),
    node: nodeObj('n', {
      unschedulable: true,
      taints: [{ key: 'node.kubernetes.io/unschedulable', effect: 'NoSchedule' }],
    }),
    run: true,
    keep: true,
  },
  {
    name: 'not-ready and unreachable NoExecute are tolerated',
    ds: dsWith({}),
    node: nodeObj('n', {
      taints: [
        { key: 'node.kubernetes.io/not-ready', effect: 'NoExecute' },
        { key: 'node.kubernetes.io/unreachable', effect: 'NoExecute' },
        { key: 'node.kubernetes.io/memory-pressure', effect: 'NoSchedule' },
      ],
    }),
    run: true,
    keep: true,
  },
  {
    name: 'network-unavailable blocks pod-network daemons',
    ds: dsWith({}),
    node: nodeObj('n', { taints: [{ key: 'node.kubernetes.io/network-unavailable', effect: 'NoSchedule' }] }),
    run: false,
    keep: true,
  },
  {
    name: 'network-unavailable is tolerated for hostNetwork daemons',
    ds: dsWith({ hostNetwork: true }),
    node: nodeObj('n', { taints: [{ key: 'node.kubernetes.io/network-unavailable', effect: 'NoSchedule' }] }),
    run: true,
    keep: true,
  },
];

for (const c of cases) {
  test(`eligibility: ${c.name}`, () => {
    assert.deepEqual(nodeShouldRunDaemonPod(c.node, c.ds), {
      shouldRun: c.run,
      shouldContinueRunning: c.keep,
    });
  });
}

test('default tolerations replace a same-key one but keep the rest', () => {
  const got = withDaemonTolerations(
    [
      {
        key: 'node.kubernetes.io/not-ready',
        operator: 'Exists',
        effect: 'NoExecute',
        tolerationSeconds: 300,
      },
      { key: 'gpu', operator: 'Exists' },
    ],
    false,
  );
  assert.deepEqual(got[0], { key: 'gpu', operator: 'Exists' });
  assert.deepEqual(got.slice(1), daemonSetTolerations(false));
  assert.equal(
    got.some((t) => t.tolerationSeconds !== undefined),
    false,
  );
  assert.equal(daemonSetTolerations(true).length, 7);
});

test('the daemon pod targets its node by matchFields and carries the revision labels', () => {
  const ds = dsWith({ ...affinityIn('zone', ['a']), nodeSelector: { disk: 'ssd' } });
  ds.metadata.uid = 'u1';
  ds.metadata.generation = 4;
  const pod = newDaemonPod(ds, 'node-7', 'abc123', {
    apiVersion: 'apps/v1',
    kind: 'DaemonSet',
    name: 'd',
    uid: 'u1',
    controller: true,
    blockOwnerDeletion: true,
  });
  assert.equal(pod.metadata.generateName, 'd-');
  assert.deepEqual(pod.metadata.labels, {
    app: 'd',
    'pod-template-generation': '4',
    'controller-revision-hash': 'abc123',
  });
  assert.deepEqual(pod.spec?.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution, {
    nodeSelectorTerms: [{ matchFields: [{ key: 'metadata.name', operator: 'In', values: ['node-7'] }] }],
  });
  assert.deepEqual(pod.spec?.nodeSelector, { disk: 'ssd' });
  assert.equal(pod.spec?.nodeName, undefined);
  assert.equal(pod.spec?.tolerations?.length, 6);
  assert.equal(targetNodeName(pod), 'node-7');
  assert.equal(targetNodeName({ ...pod, spec: { ...pod.spec, nodeName: 'bound' } }), 'bound');
  assert.equal(isPodUpdated(pod, 'abc123', 1), true);
  assert.equal(isPodUpdated(pod, 'other', 4), true);
  assert.equal(isPodUpdated(pod, 'other', 5), false);
  // The template in the DaemonSet is left alone.
  assert.equal(ds.spec.template?.spec?.tolerations, undefined);
});
