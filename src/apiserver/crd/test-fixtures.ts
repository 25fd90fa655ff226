/** A Widget CRD (example.com) for the CRD tests: two versions, status and scale, printer columns. */
import type { KubeObject } from '../../api/object.ts';

export const widgetSchema = {
  type: 'object',
  properties: {
    spec: {
      type: 'object',
      required: ['size'],
      properties: {
        size: { type: 'integer', minimum: 1 },
        color: { type: 'string', enum: ['red', 'green', 'blue'], default: 'red' },
        replicas: { type: 'integer', default: 1 },
        labels: { type: 'object', additionalProperties: { type: 'string' } },
        extra: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true },
        port: { 'x-kubernetes-int-or-string': true },
      },
    },
    status: {
      type: 'object',
      properties: {
        replicas: { type: 'integer' },
        conditions: {
          type: 'array',
          items: { type: 'object', properties: { type: { type: 'string' }, status: { type: 'string' } } },
        },
      },
    },
  },
};

/** The CRD; `storage` picks the storage version among v1 and v1beta1. */
export function widgetCRD(
  opts: {
    storage?: 'v1' | 'v1beta1';
    shortNames?: string[];
    kind?: string;
    plural?: string;
    singular?: string;
  } = {},
): KubeObject {
  const plural = opts.plural ?? 'widgets';
  const version = (name: string) => ({
    name,
    served: true,
    storage: (opts.storage ?? 'v1') === name,
    schema: { openAPIV3Schema: widgetSchema },
    subresources: {
      status: {},
      scale: { specReplicasPath: '.spec.replicas', statusReplicasPath: '.status.replicas' },
    },
    additionalPrinterColumns: [
      { name: 'Size', type: 'integer', jsonPath: '.spec.size' },
      { name: 'Color', type: 'string', jsonPath: '.spec.color' },
      {
        name: 'Ready',
        type: 'string',
        jsonPath: '.status.conditions[?(@.type=="Ready")].status',
        priority: 1,
      },
      { name: 'Age', type: 'date', jsonPath: '.metadata.creationTimestamp' },
    ],
  });
  return {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: { name: `${plural}.example.com` },
    spec: {
      group: 'example.com',
      scope: 'Namespaced',
      names: {
        plural,
        ...(opts.singular ? { singular: opts.singular } : {}),
        kind: opts.kind ?? 'Widget',
        shortNames: opts.shortNames ?? ['wd'],
        categories: ['all'],
      },
      versions: [version('v1'), version('v1beta1')],
    },
  };
}

/** A Widget object at `version` in `default`. */
export function widget(name: string, spec: Record<string, unknown>, version = 'v1'): KubeObject {
  return {
    apiVersion: `example.com/${version}`,
    kind: 'Widget',
    metadata: { name, namespace: 'default' },
    spec,
  };
}
