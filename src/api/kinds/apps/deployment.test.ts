import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { KubeObject } from '../../object.ts';
import { deploymentKind as kind } from './deployment.ts';
import {
  NOW,
  TEN_MINUTES_AGO,
  cells,
  columnNames,
  created,
  createErrorFields,
  createErrors,
  defaultedTemplate,
  object,
  podTemplate,
  updateErrors,
} from './fixtures.ts';

const valid = (spec: Record<string, unknown> = {}): KubeObject =>
  object(kind, 'web', { selector: { matchLabels: { app: 'web' } }, template: podTemplate(), ...spec });

describe('Deployment', () => {
  it('fills the Kubernetes defaults', () => {
    const out = created(kind, valid());
    assert.deepEqual(out.spec, {
      replicas: 1,
      selector: { matchLabels: { app: 'web' } },
      template: defaultedTemplate(podTemplate()),
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: '25%', maxSurge: '25%' } },
      revisionHistoryLimit: 10,
      progressDeadlineSeconds: 600,
    });
  });

  it('keeps what the user set and adds no rollingUpdate to Recreate', () => {
    const out = created(
      kind,
      valid({ replicas: 0, strategy: { type: 'Recreate' }, revisionHistoryLimit: 2 }),
    );
    const spec = out.spec as Record<string, unknown>;
    assert.equal(spec.replicas, 0);
    assert.deepEqual(spec.strategy, { type: 'Recreate' });
    assert.equal(spec.revisionHistoryLimit, 2);
  });

  it('accepts a valid deployment', () => {
    assert.deepEqual(createErrors(kind, valid()), []);
  });

  const invalid: [string, KubeObject, string[]][] = [
    ['negative replicas', valid({ replicas: -1 }), ['spec.replicas']],
    ['missing selector', valid({ selector: undefined }), ['spec.selector']],
    ['empty selector', valid({ selector: {} }), ['spec.selector']],
    [
      'selector not matching labels',
      valid({ selector: { matchLabels: { app: 'other' } } }),
      ['spec.template.metadata.labels'],
    ],
    [
      'bad selector operator',
      valid({
        selector: { matchLabels: { app: 'web' }, matchExpressions: [{ key: 'tier', operator: 'Near' }] },
      }),
      ['spec.selector.matchExpressions[0].operator'],
    ],
    [
      'restartPolicy Never',
      valid({ template: podTemplate({ app: 'web' }, { restartPolicy: 'Never' }) }),
      ['spec.template.spec.restartPolicy'],
    ],
    [
      'activeDeadlineSeconds',
      valid({ template: podTemplate({ app: 'web' }, { activeDeadlineSeconds: 5 }) }),
      ['spec.template.spec.activeDeadlineSeconds'],
    ],
    [
      'maxSurge and maxUnavailable both 0',
      valid({ strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 0, maxUnavailable: '0%' } } }),
      ['spec.strategy.rollingUpdate.maxUnavailable'],
    ],
    [
      'maxUnavailable over 100%',
      valid({ strategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: '110%' } } }),
      ['spec.strategy.rollingUpdate.maxUnavailable'],
    ],
    [
      'malformed percentage',
      valid({ strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 'half' } } }),
      ['spec.strategy.rollingUpdate.maxSurge'],
    ],
    [
      'rollingUpdate with Recreate',
      valid({ strategy: { type: 'Recreate', rollingUpdate: {} } }),
      ['spec.strategy.rollingUpdate'],
    ],
    ['unknown strategy type', valid({ strategy: { type: 'BlueGreen' } }), ['spec.strategy.type']],
    ['negative revisionHistoryLimit', valid({ revisionHistoryLimit: -1 }), ['spec.revisionHistoryLimit']],
    [
      'deadline not above minReadySeconds',
      valid({ minReadySeconds: 30, progressDeadlineSeconds: 30 }),
      ['spec.progressDeadlineSeconds'],
    ],
  ];
  for (const [name, obj, fields] of invalid) {
    it(`rejects ${name}`, () => assert.deepEqual(createErrorFields(kind, obj), fields));
  }

  it('words the selector mismatch like Kubernetes', () => {
    const [err] = createErrors(kind, valid({ selector: { matchLabels: { app: 'other' } } }));
    assert.match(err.message, /`selector` does not match template `labels`$/);
  });

  it('keeps the selector immutable but lets the template change', () => {
    const old = created(kind, valid());
    const moved = valid({
      selector: { matchLabels: { app: 'web', v: '2' } },
      template: podTemplate({ app: 'web', v: '2' }),
    });
    const errs = updateErrors(kind, old, moved);
    assert.deepEqual(
      errs.map((e) => e.field),
      ['spec.selector'],
    );
    assert.match(errs[0].message, /field is immutable/);
    const newImage = valid({ template: podTemplate() });
    (
      newImage.spec as { template: { spec: { containers: { image: string }[] } } }
    ).template.spec.containers[0].image = 'nginx:1.28';
    assert.deepEqual(updateErrors(kind, old, newImage), []);
  });

  it('shows the kubectl columns and cells', () => {
    assert.deepEqual(columnNames(kind), {
      normal: ['READY', 'UP-TO-DATE', 'AVAILABLE', 'AGE'],
      wide: ['CONTAINERS', 'IMAGES', 'SELECTOR'],
    });
    const o = created(kind, valid({ replicas: 3 }));
    o.metadata.creationTimestamp = TEN_MINUTES_AGO;
    o.status = { replicas: 3, readyReplicas: 2, updatedReplicas: 3, availableReplicas: 2 };
    assert.deepEqual(cells(kind, o, NOW), ['2/3', 3, 2, '10m', 'web', 'nginx:1.27', 'app=web']);
  });

  it('declares names, scale and categories as Kubernetes does', () => {
    assert.deepEqual(
      [kind.resource, kind.singular, kind.shortNames, kind.categories],
      ['deployments', 'deployment', ['deploy'], ['all']],
    );
    assert.deepEqual(kind.scale, {
      specReplicasPath: 'spec.replicas',
      statusReplicasPath: 'status.replicas',
      labelSelectorPath: 'spec.selector',
    });
  });
});
