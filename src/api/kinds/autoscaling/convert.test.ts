import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { KubeObject } from '../../object.ts';
import { NOW, cells, createErrorFields } from '../apps/fixtures.ts';
import { behaviorAnnotation, hpaV1ToV2, hpaV2ToV1, metricSpecsAnnotation } from './convert.ts';
import { horizontalPodAutoscalerV1Kind as v1Kind } from './horizontalpodautoscaler-v1.ts';

const ref = { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web' };
const meta = { name: 'web', namespace: 'default', labels: { app: 'web' } };

const v1 = (spec: Record<string, unknown>, status?: Record<string, unknown>): KubeObject => ({
  apiVersion: 'autoscaling/v1',
  kind: 'HorizontalPodAutoscaler',
  metadata: structuredClone(meta),
  spec: { scaleTargetRef: ref, minReplicas: 1, maxReplicas: 4, ...spec },
  ...(status ? { status } : {}),
});

describe('autoscaling v1 ⇄ v2', () => {
  it('turns the CPU target into a v2 Utilization metric and back', () => {
    const stored = hpaV1ToV2(
      v1(
        { targetCPUUtilizationPercentage: 60 },
        { currentReplicas: 2, desiredReplicas: 3, currentCPUUtilizationPercentage: 41 },
      ),
    );
    assert.deepEqual(stored, {
      apiVersion: 'autoscaling/v2',
      kind: 'HorizontalPodAutoscaler',
      metadata: meta,
      spec: {
        scaleTargetRef: ref,
        minReplicas: 1,
        maxReplicas: 4,
        metrics: [
          {
            type: 'Resource',
            resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 60 } },
          },
        ],
      },
      status: {
        currentReplicas: 2,
        desiredReplicas: 3,
        currentMetrics: [
          { type: 'Resource', resource: { name: 'cpu', current: { averageUtilization: 41 } } },
        ],
      },
    });
    const back = hpaV2ToV1(stored);
    assert.equal((back.spec as Record<string, unknown>).targetCPUUtilizationPercentage, 60);
    assert.equal((back.status as Record<string, unknown>).currentCPUUtilizationPercentage, 41);
  });

  it('gives a v1 object without a target the default 80% CPU metric', () => {
    const stored = hpaV1ToV2(v1({}));
    assert.deepEqual((stored.spec as Record<string, unknown>).metrics, [
      {
        type: 'Resource',
        resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 80 } },
      },
    ]);
    assert.equal((hpaV2ToV1(stored).spec as Record<string, unknown>).targetCPUUtilizationPercentage, 80);
  });

  it('round-trips everything v2 can say through v1 annotations', () => {
    const v2: KubeObject = {
      apiVersion: 'autoscaling/v2',
      kind: 'HorizontalPodAutoscaler',
      metadata: { ...structuredClone(meta), annotations: { keep: 'me' } },
      spec: {
        scaleTargetRef: ref,
        minReplicas: 2,
        maxReplicas: 10,
        metrics: [
          {
            type: 'Resource',
            resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 70 } },
          },
          {
            type: 'Pods',
            pods: { metric: { name: 'qps' }, target: { type: 'AverageValue', averageValue: '100' } },
          },
        ],
        behavior: {
          scaleUp: {
            stabilizationWindowSeconds: 0,
            selectPolicy: 'Max',
            policies: [{ type: 'Pods', value: 1, periodSeconds: 60 }],
          },
          scaleDown: { selectPolicy: 'Min', policies: [{ type: 'Percent', value: 10, periodSeconds: 60 }] },
        },
      },
      status: {
        currentReplicas: 3,
        desiredReplicas: 3,
        currentMetrics: [
          { type: 'Pods', pods: { metric: { name: 'qps' }, current: { averageValue: '90' } } },
        ],
        conditions: [{ type: 'AbleToScale', status: 'True', reason: 'ReadyForNewScale' }],
      },
    };
    const asV1 = hpaV2ToV1(v2);
    assert.equal((asV1.spec as Record<string, unknown>).targetCPUUtilizationPercentage, 70);
    assert.ok(asV1.metadata.annotations?.[metricSpecsAnnotation]);
    assert.ok(asV1.metadata.annotations?.[behaviorAnnotation]);
    assert.equal(asV1.metadata.annotations?.keep, 'me');
    assert.deepEqual(hpaV1ToV2(asV1), v2);
  });

  it('validates v1 objects in their v2 form and shows the same columns', () => {
    assert.deepEqual(createErrorFields(v1Kind, v1({ targetCPUUtilizationPercentage: 0 })), [
      'spec.metrics[0].resource.target.averageUtilization',
    ]);
    assert.deepEqual(createErrorFields(v1Kind, v1({ maxReplicas: 0 })), ['spec.maxReplicas']);
    const o = v1({ targetCPUUtilizationPercentage: 50 }, { currentReplicas: 1, desiredReplicas: 1 });
    o.metadata.creationTimestamp = '2025-01-01T11:00:00Z';
    assert.deepEqual(cells(v1Kind, o, NOW), ['Deployment/web', 'cpu: <unknown>/50%', '1', 4, 1, '60m']);
  });

  it('declares v1 as a view over the v2 storage', () => {
    assert.deepEqual(v1Kind.storedAs, { group: 'autoscaling', resource: 'horizontalpodautoscalers' });
    assert.equal(v1Kind.shortNames?.[0], 'hpa');
  });
});
