import assert from 'node:assert/strict';
import { test } from 'node:test';
import { lister, Store } from '../../client/store.ts';
import {
  hostnameAffinity,
  makeClaim,
  makeClass,
  makeVolume,
} from '../../controllers/persistentvolume/testing.ts';
import {
  annSelectedNode,
  type PersistentVolume,
  type PersistentVolumeClaim,
  type StorageClass,
} from '../../controllers/persistentvolume/types.ts';
import { failedSchedulingMessage } from '../diagnosis.ts';
import { defaultProfile, schedulePod } from '../framework.ts';
import { makeNode, makePod } from '../fixtures.ts';
import { Snapshot } from '../node-info.ts';
import { findPreemption } from '../preemption.ts';
import type { Pod } from '../types.ts';
import { withVolumeBinding } from '../volume-binder.ts';
import { volumeBinding } from './volume-binding.ts';

interface World {
  claims?: PersistentVolumeClaim[];
  volumes?: PersistentVolume[];
  classes?: StorageClass[];
}

function profileFor(w: World) {
  const claims = new Store<PersistentVolumeClaim>();
  const volumes = new Store<PersistentVolume>();
  const classes = new Store<StorageClass>();
  for (const c of w.claims ?? []) claims.upsert(c);
  for (const v of w.volumes ?? []) volumes.upsert(v);
  for (const c of w.classes ?? []) classes.upsert(c);
  const plugin = volumeBinding({
    claims: lister(claims),
    volumes: lister(volumes),
    classes: lister(classes),
  });
  return withVolumeBinding(defaultProfile, plugin);
}

const nodes = [makeNode('n1'), makeNode('n2'), makeNode('n3')];
const snapshot = () => Snapshot.build(nodes, []);

function podWith(...claims: string[]): Pod {
  return makePod('app', {}, {
    volumes: claims.map((c, i) => ({ name: `v${i}`, persistentVolumeClaim: { claimName: c } })),
  } as Pod['spec']);
}

/** Where the pod goes, or the FailedScheduling message (with the preemption part) when nowhere. */
function outcome(w: World, pod: Pod): string {
  const profile = profileFor(w);
  const snap = snapshot();
  const r = schedulePod(pod, snap, profile);
  if (r.node !== undefined) return `node ${r.node} of ${r.feasible}`;
  const p = findPreemption(profile, r.state, snap, r.diagnosis);
  return failedSchedulingMessage(r.diagnosis, p.node === undefined ? p.message : undefined);
}

const wffc = makeClass('local', 'kubernetes.io/no-provisioner', 'WaitForFirstConsumer');
const lp = makeClass('local-path', 'berth.io/local-path', 'WaitForFirstConsumer');
const boundTo = (name: string, volumeName: string, cls = ''): PersistentVolumeClaim => {
  const c = makeClaim(name, '1Gi', { storageClassName: cls, volumeName });
  c.status = { phase: 'Bound' };
  return c;
};

const cases: { name: string; world: World; pod: Pod; want: string | RegExp }[] = [
  {
    name: 'a pod without claims is untouched',
    world: {},
    pod: makePod('plain'),
    want: /^node n\d of 3$/,
  },
  {
    name: 'an unbound Immediate claim refuses the pod on every node, named once',
    world: { claims: [makeClaim('data', '1Gi', { storageClassName: '' })] },
    pod: podWith('data'),
    want: '0/3 nodes are available: pod has unbound immediate PersistentVolumeClaims. preemption: 0/3 nodes are available: 3 Preemption is not helpful for scheduling.',
  },
  {
    name: 'a missing claim',
    world: {},
    pod: podWith('nope'),
    want: /^0\/3 nodes are available: persistentvolumeclaim "nope" not found\./,
  },
  {
    name: 'a bound volume with node affinity keeps the pod on that node',
    world: {
      claims: [boundTo('data', 'pv1')],
      volumes: [makeVolume('pv1', '1Gi', { nodeAffinity: hostnameAffinity('n2') })],
    },
    pod: podWith('data'),
    want: 'node n2 of 1',
  },
  {
    name: 'two bound volumes on different nodes: volume node affinity conflict everywhere',
    world: {
      claims: [boundTo('a', 'pv-a'), boundTo('b', 'pv-b')],
      volumes: [
        makeVolume('pv-a', '1Gi', { nodeAffinity: hostnameAffinity('n1') }),
        makeVolume('pv-b', '1Gi', { nodeAffinity: hostnameAffinity('n2') }),
      ],
    },
    pod: podWith('a', 'b'),
    want: /^0\/3 nodes are available: 3 node\(s\) had volume node affinity conflict\. preemption: .*3 Preemption is not helpful/,
  },
  {
    name: 'WaitForFirstConsumer with a provisioning class fits every node',
    world: { classes: [lp], claims: [makeClaim('data', '1Gi', { storageClassName: 'local-path' })] },
    pod: podWith('data'),
    want: /^node n\d of 3$/,
  },
  {
    name: 'WaitForFirstConsumer without provisioner: only nodes with a free matching local volume',
    world: {
      classes: [wffc],
      claims: [makeClaim('data', '1Gi', { storageClassName: 'local' })],
      volumes: [
        makeVolume('small-n1', '100Mi', { storageClassName: 'local', nodeAffinity: hostnameAffinity('n1') }),
        makeVolume('ok-n3', '5Gi', { storageClassName: 'local', nodeAffinity: hostnameAffinity('n3') }),
      ],
    },
    pod: podWith('data'),
    want: 'node n3 of 1',
  },
  {
    name: "WaitForFirstConsumer with nothing to bind: didn't find available persistent volumes",
    world: { classes: [wffc], claims: [makeClaim('data', '1Gi', { storageClassName: 'local' })] },
    pod: podWith('data'),
    want: /^0\/3 nodes are available: 3 node\(s\) didn't find available persistent volumes to bind\./,
  },
  {
    name: 'two claims of one pod cannot share one volume',
    world: {
      classes: [wffc],
      claims: [
        makeClaim('a', '1Gi', { storageClassName: 'local' }),
        makeClaim('b', '1Gi', { storageClassName: 'local' }),
      ],
      volumes: [
        makeVolume('one-n1', '1Gi', { storageClassName: 'local', nodeAffinity: hostnameAffinity('n1') }),
        makeVolume('x-n2', '1Gi', { storageClassName: 'local', nodeAffinity: hostnameAffinity('n2') }),
        makeVolume('y-n2', '1Gi', { storageClassName: 'local', nodeAffinity: hostnameAffinity('n2') }),
      ],
    },
    pod: podWith('a', 'b'),
    want: 'node n2 of 1',
  },
  {
    name: 'a claim that already has a selected node keeps the pod there',
    world: {
      classes: [lp],
      claims: [makeClaim('data', '1Gi', { storageClassName: 'local-path' }, { [annSelectedNode]: 'n3' })],
    },
    pod: podWith('data'),
    want: 'node n3 of 1',
  },
];

for (const tc of cases) {
  test(`VolumeBinding: ${tc.name}`, () => {
    const got = outcome(tc.world, tc.pod);
    if (typeof tc.want === 'string') assert.equal(got, tc.want);
    else assert.match(got, tc.want);
  });
}

test('withVolumeBinding places the filter right after NodeResourcesFit', () => {
  const names = profileFor({}).filters.map((f) => f.name);
  assert.equal(names[names.indexOf('NodeResourcesFit') + 1], 'VolumeBinding');
  assert.equal(names.length, defaultProfile.filters.length + 1);
});
