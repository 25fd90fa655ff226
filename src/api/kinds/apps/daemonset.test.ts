import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { KubeObject } from '../../object.ts';
import { daemonSetKind as kind } from './daemonset.ts';
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

const valid = (spec: Record<string, unknown> = {}): KubeObject =>
  object(kind, 'agent', { selector: { matchLabels: { app: 'web' } }, template: podTemplate(), ...spec });
const rolling = (ru: Record<string, unknown>) => ({
  updateStrategy: { type: 'RollingUpdate', rollingUpdate: ru },
});

describe('DaemonSet', () => {
  it('fills the Kubernetes defaults', () => {
    const out = created(kind, valid());
    assert.deepEqual(out.spec, {
      selector: { matchLabels: { app: 'web' } },
      template: defaultedTemplate(podTemplate()),
      updateStrategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 1, maxSurge: 0 } },
      revisionHistoryLimit: 10,
    });
    assert.deepEqual(out.status, {
      currentNumberScheduled: 0,
      numberMisscheduled: 0,
      desiredNumberScheduled: 0,
      numberReady: 0,
    });
  });

  const cases: [string, KubeObject, string[]][] = [
    ['a valid daemonset', valid(), []],
    ['surge instead of unavailable', valid(rolling({ maxUnavailable: 0, maxSurge: '10%' })), []],
    [
      'both maxSurge and maxUnavailable',
      valid(rolling({ maxUnavailable: 1, maxSurge: 1 })),
      ['spec.updateStrategy.rollingUpdate.maxSurge'],
    ],
    [
      'neither maxSurge nor maxUnavailable',
      valid(rolling({ maxUnavailable: '0%', maxSurge: 0 })),
      ['spec.updateStrategy.rollingUpdate.maxUnavailable'],
    ],
    [
      'maxSurge over 100%',
      valid(rolling({ maxUnavailable: 0, maxSurge: '101%' })),
      ['spec.updateStrategy.rollingUpdate.maxSurge'],
    ],
    ['unknown strategy', valid({ updateStrategy: { type: 'Sometimes' } }), ['spec.updateStrategy']],
    ['missing template labels', valid({ template: podTemplate({}) }), ['spec.template.metadata.labels']],
    ['negative minReadySeconds', valid({ minReadySeconds: -5 }), ['spec.minReadySeconds']],
  ];
  for (const [name, obj, fields] of cases)
    it(`validates ${name}`, () => assert.deepEqual(createErrorFields(kind, obj), fields));

  it('rejects a selector change', () => {
    const old = created(kind, valid());
    const next = valid({
      selector: { matchLabels: { app: 'web', x: 'y' } },
      template: podTemplate({ app: 'web', x: 'y' }),
    });
    assert.deepEqual(
      updateErrors(kind, old, next).map((e) => e.field),
      ['spec.selector'],
    );
  });

  it('shows the DaemonSet columns with the node selector', () => {
    assert.deepEqual(columnNames(kind), {
      normal: ['DESIRED', 'CURRENT', 'READY', 'UP-TO-DATE', 'AVAILABLE', 'NODE SELECTOR', 'AGE'],
      wide: ['CONTAINERS', 'IMAGES', 'SELECTOR'],
    });
    const o = created(
      kind,
      valid({ template: podTemplate({ app: 'web' }, { nodeSelector: { zone: 'b', disk: 'ssd' } }) }),
    );
    o.metadata.creationTimestamp = TEN_MINUTES_AGO;
    o.status = {
      desiredNumberScheduled: 3,
      currentNumberScheduled: 3,
      numberReady: 2,
      updatedNumberScheduled: 3,
      numberAvailable: 2,
    };
    assert.deepEqual(cells(kind, o, NOW), [
      3,
      3,
      2,
      3,
      2,
      'disk=ssd,zone=b',
      '10m',
      'web',
      'nginx:1.27',
      'app=web',
    ]);
    assert.equal(cells(kind, created(kind, valid()), NOW)[5], '<none>');
  });
});
