/**
 * Server-side apply cost, in process on one store: a plain update of a Deployment without managed
 * fields (the baseline), the same update recording managedFields (target ≤ 1.5× the baseline), and
 * a server-side apply of the Deployment changing one field (target ≤ 3× the baseline).
 * Args: --runs N (20) --iterations N (50)
 */
import { parseArgs } from 'node:util';
import type { KubeObject } from '../src/api/object.ts';
import { applyObject } from '../src/apiserver/registry/apply.ts';
import { ctx, deployment, newApi } from '../src/apiserver/test-fixtures.ts';
import { createSuite } from './harness.ts';

const { values: v } = parseArgs({
  options: { runs: { type: 'string', default: '20' }, iterations: { type: 'string', default: '50' } },
});
const runs = Number(v.runs);
const iterations = Number(v.iterations);

const { api, done } = newApi();
const rs = api.resource('apps', 'deployments');
const suite = createSuite('ssa');

function manifest(name: string, replicas: number): KubeObject {
  const d = deployment(name, replicas);
  const tpl = (d.spec as { template: { spec: Record<string, unknown> } }).template.spec;
  tpl.containers = [
    {
      name: 'web',
      image: 'nginx:1.27',
      ports: [{ containerPort: 80, name: 'http' }],
      env: [
        { name: 'MODE', value: 'prod' },
        { name: 'LOG', value: 'info' },
      ],
      resources: { requests: { cpu: '100m', memory: '64Mi' } },
    },
    { name: 'side', image: 'busybox:1.36', command: ['sleep', 'infinity'] },
  ];
  return d;
}

for (const name of ['plain', 'managed'])
  await rs.create(
    'default',
    manifest(name, 1),
    ctx({ fieldManager: name === 'managed' ? 'bench' : undefined }),
  );
await applyObject(
  rs,
  'default',
  'applied',
  Buffer.from(JSON.stringify(manifest('applied', 1))),
  ctx({ fieldManager: 'bench' }),
  '',
  false,
);

let n = 0;
const update = (name: string, manager: string | undefined) => async () => {
  n++;
  await rs.update('default', name, manifest(name, 1 + (n % 5)), ctx({ fieldManager: manager }));
};
const plain = update('plain', undefined);
const managed = await suite.bench('update with managedFields vs without', {
  runs,
  iterations,
  fn: update('managed', 'bench'),
  baseline: plain,
});
let m = 0;
const applied = await suite.bench('server-side apply vs plain update', {
  runs,
  iterations,
  fn: async () => {
    m++;
    await applyObject(
      rs,
      'default',
      'applied',
      Buffer.from(JSON.stringify(manifest('applied', 1 + (m % 5)))),
      ctx({ fieldManager: 'bench' }),
      '',
      false,
    );
  },
  baseline: plain,
});
suite.note('targets', 'managed update ≤ 1.5× plain; apply ≤ 3× plain');
suite.note(
  'verdict',
  `managed ${managed.ratio!.toFixed(2)}× ${managed.ratio! <= 1.5 ? 'ok' : 'OVER'}; apply ${applied.ratio!.toFixed(2)}× ${applied.ratio! <= 3 ? 'ok' : 'OVER'}`,
);
suite.finish();
await done();
