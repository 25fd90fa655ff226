/** core/v1 PodTemplate: a stored pod template, defaulted and validated like any workload template. */
import type { KubeObject } from '../../object.ts';
import { validatePodTemplateSpec } from '../../validation/pod.ts';
import type { KindDef } from '../types.ts';
import { defaultPodTemplateSpec } from './pod-defaults.ts';
import { child, col, field, formatLabels, items, str } from './util.ts';

/** CONTAINERS and IMAGES cells: names and images of a pod spec's containers, comma-separated. */
export function containerCells(spec: Record<string, unknown>): { names: string; images: string } {
  const cs = items(spec.containers);
  return { names: cs.map((c) => str(c.name)).join(','), images: cs.map((c) => str(c.image)).join(',') };
}

const tplSpec = (o: KubeObject) => field(field(o, 'template'), 'spec');

/** The `podtemplates` resource of core/v1. */
export const podTemplateKind: KindDef = {
  group: '',
  version: 'v1',
  kind: 'PodTemplate',
  listKind: 'PodTemplateList',
  resource: 'podtemplates',
  singular: 'podtemplate',
  namespaced: true,
  schema: 'io.k8s.api.core.v1.PodTemplate',
  strategy: {
    defaults: (o) => defaultPodTemplateSpec(child(o, 'template')),
    validate: (o) => validatePodTemplateSpec(o.template, 'template'),
  },
  columns: [
    col('Containers', 'Names of the containers.', (o) => containerCells(tplSpec(o)).names),
    col('Images', 'Images of the containers.', (o) => containerCells(tplSpec(o)).images),
    col('Pod Labels', 'Labels of the pods.', (o) =>
      formatLabels(field(field(o, 'template'), 'metadata').labels),
    ),
  ],
};
