import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { KubeObject } from '../../object.ts';
import { replicaSetKind as kind } from './replicaset.ts';
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
  object(kind, 'web-5d9c', { selector: { matchLabels: { app: 'web' } }, template: podTemplate(), ...spec });

describe('ReplicaSet', () => {
  it('defaults replicas to 1 and shows status.replicas 0 after create', () => {
    const out = created(kind, valid());
    assert.deepEqual(out.spec, {
      replicas: 1,
      selector: { matchLabels: { app: 'web' } },
      template: defaultedTemplate(podTemplate()),
    });
    assert.deepEqual(out.status, { replicas: 0 });
  });

  const cases: [string, KubeObject, string[]][] = [
    ['a valid replicaset', valid(), []],
    ['negative replicas', valid({ replicas: -2 }), ['spec.replicas']],
    ['negative minReadySeconds', valid({ minReadySeconds: -1 }), ['spec.minReadySeconds']],
    ['missing selector', valid({ selector: undefined }), ['spec.selector']],
    [
      'selector not matching',
      valid({ selector: { matchExpressions: [{ key: 'app', operator: 'NotIn', values: ['web'] }] } }),
      ['spec.template.metadata.labels'],
    ],
    [
      'In without values',
      valid({ selector: { matchExpressions: [{ key: 'app', operator: 'In' }] } }),
      ['spec.selector.matchExpressions[0].values'],
    ],
    [
      'restartPolicy OnFailure',
      valid({ template: podTemplate({ app: 'web' }, { restartPolicy: 'OnFailure' }) }),
      ['spec.template.spec.restartPolicy'],
    ],
  ];
  for (const [name, obj, fields] of cases)
    it(`validates ${name}`, () => assert.deepEqual(createErrorFields(kind, obj), fields));

  it('rejects a selector change', () => {
    const old = created(kind, valid());
    const next = valid({
      selector: { matchLabels: { app: 'web', tier: 'x' } },
      template: podTemplate({ app: 'web', tier: 'x' }),
    });
    assert.deepEqual(
      updateErrors(kind, old, next).map((e) => e.field),
      ['spec.selector'],
    );
    assert.deepEqual(updateErrors(kind, old, valid({ replicas: 5 })), []);
  });

  it('shows DESIRED CURRENT READY AGE and the status.replicas field selector', () => {
    assert.deepEqual(columnNames(kind), {
      normal: ['DESIRED', 'CURRENT', 'READY', 'AGE'],
      wide: ['CONTAINERS', 'IMAGES', 'SELECTOR'],
    });
    const o = created(kind, valid({ replicas: 2 }));
    o.metadata.creationTimestamp = TEN_MINUTES_AGO;
    o.status = { replicas: 2, readyReplicas: 1 };
    assert.deepEqual(cells(kind, o, NOW), [2, 2, 1, '10m', 'web', 'nginx:1.27', 'app=web']);
    assert.equal(kind.fieldSelectors?.['status.replicas'](o), '2');
    assert.deepEqual([kind.shortNames, kind.categories], [['rs'], ['all']]);
  });
});
