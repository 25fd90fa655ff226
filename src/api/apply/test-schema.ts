/** A small schema for the apply tests, with one field of each shape server-side apply knows. */
import type { Schema } from '../schema/types.ts';

export const small: Schema = {
  type: 'object',
  properties: {
    name: { type: 'string' },
    labels: { type: 'object', additionalProperties: { type: 'string' } },
    selector: { type: 'object', properties: { app: { type: 'string' } }, 'x-kubernetes-map-type': 'atomic' },
    args: { type: 'array', items: { type: 'string' }, 'x-kubernetes-list-type': 'atomic' },
    finalizers: { type: 'array', items: { type: 'string' }, 'x-kubernetes-list-type': 'set' },
    tags: { type: 'array', items: { type: 'string' }, 'x-kubernetes-patch-strategy': 'merge' },
    items: {
      type: 'array',
      items: {
        type: 'object',
        properties: {
          name: { type: 'string' },
          value: { type: 'string' },
          extra: { type: 'object', properties: { a: { type: 'string' } } },
        },
      },
      'x-kubernetes-list-type': 'map',
      'x-kubernetes-list-map-keys': ['name'],
    },
    ports: {
      type: 'array',
      items: { type: 'object', properties: { port: { type: 'integer' }, protocol: { type: 'string' } } },
      'x-kubernetes-patch-strategy': 'merge',
      'x-kubernetes-patch-merge-key': 'port',
      'x-kubernetes-list-map-keys': ['port', 'protocol'],
    },
    free: { 'x-kubernetes-preserve-unknown-fields': true },
  },
};
