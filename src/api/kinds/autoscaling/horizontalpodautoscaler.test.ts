import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { KubeObject } from '../../object.ts';
import {
  NOW,
  TEN_MINUTES_AGO,
  cells,
  columnNames,
  created,
  createErrorFields,
  object,
} from '../apps/fixtures.ts';
import { horizontalPodAutoscalerKind as kind } from './horizontalpodautoscaler.ts';
import { formatHPAMetrics } from './hpa-columns.ts';

const ref = { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web' };
const hpa = (spec: Record<string, unknown> = {}): KubeObject =>
  object(kind, 'web', { scaleTargetRef: ref, maxReplicas: 5, ...spec });
const cpu = (target: Record<string, unknown>) => ({ type: 'Resource', resource: { name: 'cpu', target } });

describe('HorizontalPodAutoscaler (autoscaling/v2)', () => {
  it('defaults minReplicas and an 80% CPU metric', () => {
    const out = created(kind, hpa());
    assert.deepEqual(out.spec, {
      scaleTargetRef: ref,
      maxReplicas: 5,
      minReplicas: 1,
      metrics: [cpu({ type: 'Utilization', averageUtilization: 80 })],
    });
    assert.deepEqual(out.status, { desiredReplicas: 0 });
  });

  it('fills behavior rules only when behavior is given, keeping what was set', () => {
    const out = created(kind, hpa({ behavior: { scaleDown: { stabilizationWindowSeconds: 60 } } }));
    assert.deepEqual((out.spec as Record<string, unknown>).behavior, {
      scaleUp: {
        stabilizationWindowSeconds: 0,
        selectPolicy: 'Max',
        policies: [
          { type: 'Pods', value: 4, periodSeconds: 15 },
          { type: 'Percent', value: 100, periodSeconds: 15 },
        ],
      },
      scaleDown: {
        selectPolicy: 'Max',
        stabilizationWindowSeconds: 60,
        policies: [{ type: 'Percent', value: 100, periodSeconds: 15 }],
      },
    });
  });

  const cases: [string, KubeObject, string[]][] = [
    [
      'a valid autoscaler',
      hpa({ minReplicas: 2, metrics: [cpu({ type: 'Utilization', averageUtilization: 50 })] }),
      [],
    ],
    ['minReplicas 0', hpa({ minReplicas: 0 }), ['spec.minReplicas']],
    ['maxReplicas 0', hpa({ maxReplicas: 0 }), ['spec.maxReplicas']],
    ['maxReplicas below minReplicas', hpa({ minReplicas: 6 }), ['spec.maxReplicas']],
    [
      'a target without kind and a name with a slash',
      hpa({ scaleTargetRef: { name: 'a/b' } }),
      ['spec.scaleTargetRef.kind', 'spec.scaleTargetRef.name'],
    ],
    ['an unknown metric type', hpa({ metrics: [{ type: 'Magic' }] }), ['spec.metrics[0].type']],
    ['a metric without its source', hpa({ metrics: [{ type: 'Pods' }] }), ['spec.metrics[0].pods']],
    [
      'a metric with two sources',
      hpa({ metrics: [{ ...cpu({ type: 'Utilization', averageUtilization: 50 }), pods: {} }] }),
      ['spec.metrics[0].pods'],
    ],
    [
      'a resource metric without a target value',
      hpa({ metrics: [cpu({ type: 'Utilization' })] }),
      ['spec.metrics[0].resource.target.averageUtilization'],
    ],
    [
      'a utilization of 0',
      hpa({ metrics: [cpu({ type: 'Utilization', averageUtilization: 0 })] }),
      ['spec.metrics[0].resource.target.averageUtilization'],
    ],
    [
      'a non-positive averageValue',
      hpa({ metrics: [cpu({ type: 'AverageValue', averageValue: '0' })] }),
      ['spec.metrics[0].resource.target.averageValue'],
    ],
    [
      'a pods metric without averageValue or name',
      hpa({ metrics: [{ type: 'Pods', pods: { metric: {}, target: { type: 'Value', value: '10' } } }] }),
      ['spec.metrics[0].pods.metric.name', 'spec.metrics[0].pods.target.averageValue'],
    ],
    [
      'scaling rules',
      hpa({
        behavior: {
          scaleUp: {
            stabilizationWindowSeconds: 4000,
            selectPolicy: 'Most',
            policies: [{ type: 'Nodes', value: 0, periodSeconds: 2000 }],
          },
          scaleDown: { policies: [] },
        },
      }),
      [
        'spec.behavior.scaleDown.policies',
        'spec.behavior.scaleUp.policies[0].periodSeconds',
        'spec.behavior.scaleUp.policies[0].type',
        'spec.behavior.scaleUp.policies[0].value',
        'spec.behavior.scaleUp.selectPolicy',
        'spec.behavior.scaleUp.stabilizationWindowSeconds',
      ],
    ],
  ];
  for (const [name, obj, fields] of cases)
    it(`validates ${name}`, () => assert.deepEqual(createErrorFields(kind, obj), fields));

  it('formats TARGETS like kubectl', () => {
    const specs = [
      cpu({ type: 'Utilization', averageUtilization: 80 }),
      {
        type: 'Resource',
        resource: { name: 'memory', target: { type: 'AverageValue', averageValue: '500Mi' } },
      },
      {
        type: 'Pods',
        pods: { metric: { name: 'qps' }, target: { type: 'AverageValue', averageValue: '10' } },
      },
      {
        type: 'External',
        external: { metric: { name: 'queue' }, target: { type: 'AverageValue', averageValue: '30' } },
      },
    ];
    assert.equal(formatHPAMetrics([], []), '<none>');
    assert.equal(formatHPAMetrics(specs.slice(0, 1), []), 'cpu: <unknown>/80%');
    assert.equal(
      formatHPAMetrics(specs.slice(0, 2), [
        { type: 'Resource', resource: { name: 'cpu', current: { averageUtilization: 45 } } },
      ]),
      'cpu: 45%/80%, memory: <unknown>/500Mi',
    );
    assert.equal(formatHPAMetrics(specs, []), 'cpu: <unknown>/80%, memory: <unknown>/500Mi + 2 more...');
    assert.equal(formatHPAMetrics(specs.slice(2, 4), []), '<unknown>/10, <unknown>/30 (avg)');
  });

  it('shows REFERENCE TARGETS MINPODS MAXPODS REPLICAS AGE', () => {
    assert.deepEqual(columnNames(kind), {
      normal: ['REFERENCE', 'TARGETS', 'MINPODS', 'MAXPODS', 'REPLICAS', 'AGE'],
      wide: [],
    });
    const o = created(kind, hpa());
    o.metadata.creationTimestamp = TEN_MINUTES_AGO;
    o.status = {
      currentReplicas: 2,
      desiredReplicas: 2,
      currentMetrics: [{ type: 'Resource', resource: { name: 'cpu', current: { averageUtilization: 12 } } }],
    };
    assert.deepEqual(cells(kind, o, NOW), ['Deployment/web', 'cpu: 12%/80%', '1', 5, 2, '10m']);
  });
});
