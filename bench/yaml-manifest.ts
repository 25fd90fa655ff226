/**
 * Parsing and printing manifests with the `yaml` package (the apply path's first step) against JSON
 * of the same documents as the same-run baseline. Args: --docs N (documents per stream, default 50).
 */
import { parseAllDocuments, stringify } from 'yaml';
import { parseArgs } from 'node:util';
import { createSuite } from './harness.ts';

const { values } = parseArgs({
  options: { docs: { type: 'string', default: '50' }, runs: { type: 'string', default: '30' } },
});
const count = Number(values.docs);
const runs = Number(values.runs);

const objects = Array.from({ length: count }, (_, i) => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: `web-${i}`, namespace: 'bench', labels: { app: `web-${i}`, tier: 'front' } },
  spec: {
    replicas: 3,
    selector: { matchLabels: { app: `web-${i}` } },
    template: {
      metadata: { labels: { app: `web-${i}` } },
      spec: {
        containers: [
          {
            name: 'app',
            image: 'nginx:1.25',
            ports: [{ containerPort: 80, name: 'http' }],
            env: [{ name: 'MODE', value: 'prod' }],
          },
          { name: 'sidecar', image: 'busybox:1.36', command: ['sleep', 'infinity'] },
        ],
      },
    },
  },
}));
const yamlText = objects.map((o) => stringify(o)).join('---\n');
const jsonLines = objects.map((o) => JSON.stringify(o));

const suite = createSuite('yaml-manifest');
suite.note('documents', count);
suite.note('yamlBytes', Buffer.byteLength(yamlText));
await suite.bench(`parse ${count} docs`, {
  runs,
  fn: () => parseAllDocuments(yamlText).map((d) => d.toJS() as unknown),
  baseline: () => jsonLines.map((l) => JSON.parse(l) as unknown),
});
await suite.bench(`stringify ${count} docs`, {
  runs,
  fn: () => objects.map((o) => stringify(o)).join('---\n'),
  baseline: () => objects.map((o) => JSON.stringify(o)).join('\n'),
});
suite.finish();
