import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { KubeObject } from '../../object.ts';
import { statefulSetKind as kind } from './statefulset.ts';
import {
  NOW,
  TEN_MINUTES_AGO,
  cells,
  columnNames,
  created,
  createErrorFields,
  defaultedTemplate,
  object,
  podTemplate,
  updateErrors,
} from './fixtures.ts';

const claim = {
  metadata: { name: 'data' },
  spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } },
};
const valid = (spec: Record<string, unknown> = {}): KubeObject =>
  object(kind, 'db', {
    serviceName: 'db',
    selector: { matchLabels: { app: 'web' } },
    template: podTemplate(),
    ...spec,
  });

describe('StatefulSet', () => {
  it('fills the Kubernetes defaults, also inside volumeClaimTemplates', () => {
    const out = created(kind, valid({ volumeClaimTemplates: [claim] }));
    assert.deepEqual(out.spec, {
      serviceName: 'db',
      selector: { matchLabels: { app: 'web' } },
      template: defaultedTemplate(podTemplate()),
      podManagementPolicy: 'OrderedReady',
      updateStrategy: { type: 'RollingUpdate', rollingUpdate: { partition: 0 } },
      persistentVolumeClaimRetentionPolicy: { whenDeleted: 'Retain', whenScaled: 'Retain' },
      replicas: 1,
      revisionHistoryLimit: 10,
      volumeClaimTemplates: [
        {
          apiVersion: 'v1',
          kind: 'PersistentVolumeClaim',
          metadata: { name: 'data' },
          spec: {
            accessModes: ['ReadWriteOnce'],
            resources: { requests: { storage: '1Gi' } },
            volumeMode: 'Filesystem',
          },
          status: { phase: 'Pending' },
        },
      ],
    });
    assert.deepEqual(out.status, { replicas: 0, availableReplicas: 0 });
  });

  it('adds no rollingUpdate to OnDelete', () => {
    const spec = created(kind, valid({ updateStrategy: { type: 'OnDelete' } })).spec as Record<
      string,
      unknown
    >;
    assert.deepEqual(spec.updateStrategy, { type: 'OnDelete' });
  });

  const cases: [string, KubeObject, string[]][] = [
    ['a valid statefulset', valid({ volumeClaimTemplates: [claim] }), []],
    ['unknown podManagementPolicy', valid({ podManagementPolicy: 'Random' }), ['spec.podManagementPolicy']],
    [
      'rollingUpdate with OnDelete',
      valid({ updateStrategy: { type: 'OnDelete', rollingUpdate: { partition: 1 } } }),
      ['spec.updateStrategy.rollingUpdate'],
    ],
    [
      'negative partition',
      valid({ updateStrategy: { type: 'RollingUpdate', rollingUpdate: { partition: -1 } } }),
      ['spec.updateStrategy.rollingUpdate.partition'],
    ],
    ['unknown update strategy', valid({ updateStrategy: { type: 'Blue' } }), ['spec.updateStrategy']],
    [
      'maxUnavailable 0',
      valid({ updateStrategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 0 } } }),
      ['spec.updateStrategy.rollingUpdate.maxUnavailable'],
    ],
    [
      'maxUnavailable 50%',
      valid({ updateStrategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: '50%' } } }),
      [],
    ],
    [
      'a volumeMount naming a claim template',
      valid({
        volumeClaimTemplates: [claim],
        template: podTemplate(
          { app: 'web' },
          { containers: [{ name: 'c', image: 'nginx', volumeMounts: [{ name: 'data', mountPath: '/d' }] }] },
        ),
      }),
      [],
    ],
    [
      'a volumeMount naming nothing',
      valid({
        volumeClaimTemplates: [claim],
        template: podTemplate(
          { app: 'web' },
          { containers: [{ name: 'c', image: 'nginx', volumeMounts: [{ name: 'nope', mountPath: '/d' }] }] },
        ),
      }),
      ['spec.template.spec.containers[0].volumeMounts[0].name'],
    ],
    [
      'bad retention policy',
      valid({ persistentVolumeClaimRetentionPolicy: { whenDeleted: 'Keep' } }),
      ['spec.persistentVolumeClaimRetentionPolicy.whenDeleted'],
    ],
    ['negative ordinals.start', valid({ ordinals: { start: -1 } }), ['spec.ordinals.start']],
    ['empty selector', valid({ selector: {} }), ['spec.selector']],
    [
      'claim without a name',
      valid({ volumeClaimTemplates: [{ spec: {} }] }),
      ['spec.volumeClaimTemplates[0].metadata.name'],
    ],
    [
      'restartPolicy Never',
      valid({ template: podTemplate({ app: 'web' }, { restartPolicy: 'Never' }) }),
      ['spec.template.spec.restartPolicy'],
    ],
  ];
  for (const [name, obj, fields] of cases)
    it(`validates ${name}`, () => assert.deepEqual(createErrorFields(kind, obj), fields));

  it('allows replicas/template/updateStrategy changes and forbids the rest of spec', () => {
    const old = created(kind, valid());
    const ok = valid({
      replicas: 3,
      minReadySeconds: 5,
      updateStrategy: { type: 'OnDelete' },
      template: podTemplate({ app: 'web' }, { hostname: 'x' }),
    });
    assert.deepEqual(updateErrors(kind, old, ok), []);
    for (const change of [
      { serviceName: 'other' },
      { podManagementPolicy: 'Parallel' },
      { volumeClaimTemplates: [claim] },
    ]) {
      const errs = updateErrors(kind, old, valid(change));
      assert.deepEqual(
        errs.map((e) => e.field),
        ['spec'],
        JSON.stringify(change),
      );
      assert.match(
        errs[0].message,
        /^Forbidden: updates to statefulset spec for fields other than 'replicas'/,
      );
    }
  });

  it('shows READY AGE | CONTAINERS IMAGES', () => {
    assert.deepEqual(columnNames(kind), { normal: ['READY', 'AGE'], wide: ['CONTAINERS', 'IMAGES'] });
    const o = created(kind, valid({ replicas: 3 }));
    o.metadata.creationTimestamp = TEN_MINUTES_AGO;
    o.status = { replicas: 3, readyReplicas: 1 };
    assert.deepEqual(cells(kind, o, NOW), ['1/3', '10m', 'web', 'nginx:1.27']);
    assert.deepEqual(kind.shortNames, ['sts']);
  });
});
