/**
 * Server-side apply with the real kubectl: `apply --server-side` creates and is idempotent, a field
 * another manager changed (kubectl scale) conflicts with a message naming that manager and field,
 * `--force-conflicts` takes it over, `--show-managed-fields` lists the managers, and a client-side
 * apply followed by a server-side one migrates cleanly.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { e2eSkip, useServer } from '../helpers/e2e.ts';
import { kubectlSession } from '../helpers/kubectl.ts';

function manifest(name: string, replicas: number, image = 'nginx:1.27'): string {
  return `apiVersion: apps/v1
kind: Deployment
metadata:
  name: ${name}
  namespace: default
  labels: { app: ${name} }
spec:
  replicas: ${replicas}
  selector:
    matchLabels: { app: ${name} }
  template:
    metadata:
      labels: { app: ${name} }
    spec:
      containers:
      - name: web
        image: ${image}
        ports:
        - containerPort: 80
`;
}

interface Entry {
  manager: string;
  operation: string;
  fieldsV1?: Record<string, unknown>;
}

describe('kubectl apply --server-side', { skip: e2eSkip() }, () => {
  const s = useServer();

  test('create, unchanged, conflict with kubectl scale, force, managed fields', async (t) => {
    const k = kubectlSession(t, s.server.kubeconfig);
    const file = join(k.home, 'deploy.yaml');
    writeFileSync(file, manifest('ssa', 2));
    assert.equal(
      (await k.ok(['apply', '--server-side', '-f', file])).trim(),
      'deployment.apps/ssa serverside-applied',
    );
    // The deployment controller writes status meanwhile, so compare what an apply could change: the
    // generation (spec) and the kubectl manager's entry.
    const kubectlEntry = `jsonpath={.metadata.generation} {.metadata.managedFields[?(@.manager=="kubectl")].time}`;
    const before1 = await k.ok(['get', 'deploy', 'ssa', '-o', kubectlEntry, '--show-managed-fields']);
    await new Promise((r) => setTimeout(r, 1100));
    assert.equal(
      (await k.ok(['apply', '--server-side', '-f', file])).trim(),
      'deployment.apps/ssa serverside-applied',
    );
    assert.equal(
      await k.ok(['get', 'deploy', 'ssa', '-o', kubectlEntry, '--show-managed-fields']),
      before1,
      're-apply is a no-op',
    );

    await k.ok(['scale', 'deploy', 'ssa', '--replicas=4']);
    writeFileSync(file, manifest('ssa', 3));
    const err = await k.fails(['apply', '--server-side', '-f', file]);
    assert.match(err, /Apply failed with 1 conflict: conflict with "kubectl[^"]*"/);
    assert.match(err, /\.spec\.replicas/);
    assert.equal(await k.ok(['get', 'deploy', 'ssa', '-o', 'jsonpath={.spec.replicas}']), '4');

    assert.equal(
      (await k.ok(['apply', '--server-side', '--force-conflicts', '-f', file])).trim(),
      'deployment.apps/ssa serverside-applied',
    );
    assert.equal(await k.ok(['get', 'deploy', 'ssa', '-o', 'jsonpath={.spec.replicas}']), '3');

    const shown = await k.ok(['get', 'deploy', 'ssa', '-o', 'yaml', '--show-managed-fields']);
    assert.match(shown, /managedFields:/);
    assert.match(shown, /manager: kubectl\n\s+operation: Apply/);
    const obj = JSON.parse(await k.ok(['get', 'deploy', 'ssa', '-o', 'json', '--show-managed-fields'])) as {
      metadata: { managedFields: Entry[] };
    };
    const apply = obj.metadata.managedFields.find((m) => m.operation === 'Apply');
    assert.ok(
      apply && JSON.stringify(apply.fieldsV1).includes('"f:replicas"'),
      'the applier owns replicas again',
    );
    // By default kubectl hides them.
    assert.doesNotMatch(await k.ok(['get', 'deploy', 'ssa', '-o', 'yaml']), /managedFields:/);

    // A field dropped from the manifest is removed from the object.
    writeFileSync(file, manifest('ssa', 3).replace('        ports:\n        - containerPort: 80\n', ''));
    await k.ok(['apply', '--server-side', '-f', file]);
    assert.equal(
      await k.ok(['get', 'deploy', 'ssa', '-o', 'jsonpath={.spec.template.spec.containers[0].ports}']),
      '',
    );
  });

  test('client-side apply, then server-side apply of a changed manifest', async (t) => {
    const k = kubectlSession(t, s.server.kubeconfig);
    const file = join(k.home, 'migrate.yaml');
    writeFileSync(file, manifest('mig', 1));
    assert.equal((await k.ok(['apply', '-f', file])).trim(), 'deployment.apps/mig created');
    const before = JSON.parse(
      await k.ok(['get', 'deploy', 'mig', '-o', 'json', '--show-managed-fields']),
    ) as { metadata: { managedFields: Entry[] } };
    const users = (e: Entry[]) =>
      e.filter((m) => m.manager !== 'berth-controller-manager').map((m) => `${m.manager}/${m.operation}`);
    assert.deepEqual(users(before.metadata.managedFields), ['kubectl-client-side-apply/Update']);
    writeFileSync(file, manifest('mig', 2, 'nginx:1.28'));
    assert.equal(
      (await k.ok(['apply', '--server-side', '-f', file])).trim(),
      'deployment.apps/mig serverside-applied',
    );
    assert.equal(
      await k.ok([
        'get',
        'deploy',
        'mig',
        '-o',
        'jsonpath={.spec.replicas} {.spec.template.spec.containers[0].image}',
      ]),
      '2 nginx:1.28',
    );
    const after = JSON.parse(await k.ok(['get', 'deploy', 'mig', '-o', 'json', '--show-managed-fields'])) as {
      metadata: { managedFields: Entry[] };
    };
    assert.ok(after.metadata.managedFields.some((m) => m.manager === 'kubectl' && m.operation === 'Apply'));
  });
});
