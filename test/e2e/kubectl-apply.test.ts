/**
 * Writing objects with kubectl: client-side `apply` of a multi-document file (created, unchanged,
 * configured), `create -f`, the protobuf-bodied `create configmap`, and bad input refused with errors
 * that name the offending field. Nothing here passes --validate=false.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { e2eSkip, useServer } from '../helpers/e2e.ts';
import { kubectlSession } from '../helpers/kubectl.ts';
import { appStack, appStackLines, configMap, deployment, docs, namespace } from './fixtures.ts';

function lines(text: string): string[] {
  return text
    .trim()
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l.length > 0);
}

describe('kubectl apply and create', { skip: e2eSkip() }, () => {
  const s = useServer();

  test('apply -f a multi-document file: created, then unchanged, then configured', async (t) => {
    const k = kubectlSession(t, s.server.kubeconfig);
    const file = join(k.home, 'stack.yaml');
    writeFileSync(file, appStack('shop'));

    assert.deepEqual(
      lines(await k.ok(['apply', '-f', file])),
      appStackLines('shop', () => 'created'),
    );
    assert.deepEqual(
      lines(await k.ok(['apply', '-f', file])),
      appStackLines('shop', () => 'unchanged'),
    );

    writeFileSync(file, appStack('shop', { color: 'green' }));
    assert.deepEqual(
      lines(await k.ok(['apply', '-f', file])),
      appStackLines('shop', (r) => (r === 'configmap/settings' ? 'configured' : 'unchanged')),
    );
    assert.equal(
      await k.ok(['get', 'configmap', 'settings', '-n', 'shop', '-o', 'jsonpath={.data.color}']),
      'green',
    );

    // What apply stored: the last-applied annotation and server-set metadata.
    const cm = JSON.parse(await k.ok(['get', 'cm', 'settings', '-n', 'shop', '-o', 'json'])) as {
      metadata: {
        uid?: string;
        resourceVersion?: string;
        creationTimestamp?: string;
        annotations?: Record<string, string>;
      };
    };
    assert.ok(cm.metadata.uid && cm.metadata.resourceVersion && cm.metadata.creationTimestamp);
    const lastApplied = cm.metadata.annotations?.['kubectl.kubernetes.io/last-applied-configuration'] ?? '';
    assert.equal((JSON.parse(lastApplied) as { data: { color: string } }).data.color, 'green');
    const secret = await k.ok(['get', 'secret', 'creds', '-n', 'shop', '-o', 'jsonpath={.data.password}']);
    assert.equal(Buffer.from(secret, 'base64').toString(), 's3cr3t');

    // A field removed from the file is removed from the object (three-way merge through last-applied).
    writeFileSync(file, appStack('shop', { color: 'green' }).replace('  size: "3"\n', ''));
    assert.ok(lines(await k.ok(['apply', '-f', file])).includes('configmap/settings configured'));
    assert.equal(
      await k.ok(['get', 'cm', 'settings', '-n', 'shop', '-o', 'jsonpath={.data}']),
      '{"color":"green"}',
    );

    // A changed container in a deployment is merged by name: the other container stays untouched.
    writeFileSync(
      file,
      appStack('shop', { color: 'green' }).replace('image: nginx:1.25', 'image: nginx:1.26'),
    );
    assert.ok(lines(await k.ok(['apply', '-f', file])).includes('deployment.apps/web configured'));
    assert.equal(
      await k.ok([
        'get',
        'deploy',
        'web',
        '-n',
        'shop',
        '-o',
        'jsonpath={.spec.template.spec.containers[*].image}',
      ]),
      'nginx:1.26 busybox:1.36',
    );
  });

  test('a Secret with stringData: folded into data, and (as in Kubernetes) reported configured on every apply', async (t) => {
    // kubectl diffs against last-applied, which holds stringData the server never returns, so each
    // apply sends a patch: real clusters print "configured" every time (kubernetes/kubernetes#87736).
    const k = kubectlSession(t, s.server.kubeconfig);
    const secret = `apiVersion: v1
kind: Secret
metadata: { name: plain, namespace: default }
type: Opaque
stringData: { token: abc123 }
`;
    assert.equal((await k.ok(['apply', '-f', '-'], { input: secret })).trim(), 'secret/plain created');
    const stored = JSON.parse(await k.ok(['get', 'secret', 'plain', '-o', 'json'])) as {
      data?: Record<string, string>;
      stringData?: unknown;
    };
    assert.equal(stored.stringData, undefined);
    assert.equal(Buffer.from(stored.data?.token ?? '', 'base64').toString(), 'abc123');
    assert.equal((await k.ok(['apply', '-f', '-'], { input: secret })).trim(), 'secret/plain configured');
  });

  test('create -f creates each object once, then reports AlreadyExists', async (t) => {
    const k = kubectlSession(t, s.server.kubeconfig);
    const file = join(k.home, 'create.yaml');
    writeFileSync(
      file,
      docs(namespace('made'), configMap('made', 'one', { a: 'b' }, { k: 'v' }), deployment('made', 'd1')),
    );
    assert.deepEqual(lines(await k.ok(['create', '-f', file])), [
      'namespace/made created',
      'configmap/one created',
      'deployment.apps/d1 created',
    ]);
    const again = await k.fails(['create', '-f', file]);
    assert.match(again, /AlreadyExists/);
    assert.match(again, /configmaps "one" already exists/);
    assert.match(again, /deployments\.apps "d1" already exists/);
  });

  test('create configmap / namespace / deployment (typed clients send protobuf)', async (t) => {
    const k = kubectlSession(t, s.server.kubeconfig);
    assert.equal((await k.ok(['create', 'namespace', 'typed'])).trim(), 'namespace/typed created');
    assert.equal(
      (
        await k.ok(['create', 'configmap', 'lit', '-n', 'typed', '--from-literal=a=1', '--from-literal=b=2'])
      ).trim(),
      'configmap/lit created',
    );
    assert.equal(
      await k.ok(['get', 'cm', 'lit', '-n', 'typed', '-o', 'jsonpath={.data.a},{.data.b}']),
      '1,2',
    );
    assert.equal(
      (
        await k.ok(['create', 'deployment', 'dep', '-n', 'typed', '--image=nginx:1.25', '--replicas=2'])
      ).trim(),
      'deployment.apps/dep created',
    );
    assert.equal(
      await k.ok([
        'get',
        'deploy',
        'dep',
        '-n',
        'typed',
        '-o',
        'jsonpath={.spec.replicas} {.spec.template.spec.containers[0].image}',
      ]),
      '2 nginx:1.25',
    );
    assert.equal(
      (await k.ok(['create', 'secret', 'generic', 'sec', '-n', 'typed', '--from-literal=x=y'])).trim(),
      'secret/sec created',
    );
  });

  test('an invalid name is refused with an error naming metadata.name', async (t) => {
    const k = kubectlSession(t, s.server.kubeconfig);
    const err = await k.fails(['apply', '-f', '-'], { input: configMap('default', 'Bad_Name') });
    assert.match(err, /is invalid/);
    assert.match(err, /metadata\.name: Invalid value: "Bad_Name"/);
    assert.match(await k.fails(['get', 'cm', 'Bad_Name']), /NotFound|not found/);
  });

  test('an invalid value is refused with an error naming its field', async (t) => {
    const k = kubectlSession(t, s.server.kubeconfig);
    const err = await k.fails(['apply', '-f', '-'], {
      input: deployment('default', 'negative').replace('replicas: 1', 'replicas: -1'),
    });
    assert.match(err, /spec\.replicas: Invalid value: -1/);
    const noSelector = await k.fails(['create', '-f', '-'], {
      input: deployment('default', 'mismatch').replace(
        'matchLabels: { app: mismatch }',
        'matchLabels: { app: other }',
      ),
    });
    assert.match(noSelector, /spec\.template\.metadata\.labels/);
  });

  test('apply -f of a kind: List applies its items; an unknown field in an item is still refused', async (t) => {
    // kubectl validates a List through /openapi/v2 (protobuf) before splitting it into items.
    const k = kubectlSession(t, s.server.kubeconfig);
    const item = (name: string, extra = '') =>
      `- apiVersion: v1\n  kind: ConfigMap\n  metadata: {name: ${name}, namespace: default}\n  data: {k: v}\n${extra}`;
    const list = (items: string) => `apiVersion: v1\nkind: List\nitems:\n${items}`;
    const out = await k.ok(['apply', '-f', '-'], { input: list(item('list-a') + item('list-b')) });
    assert.match(out, /configmap\/list-a created\nconfigmap\/list-b created/);
    assert.match(await k.ok(['get', 'configmap', 'list-a', 'list-b', '-o', 'name']), /list-a\n.*list-b/);
    const err = await k.fails(['apply', '-f', '-'], { input: list(item('list-c', '  bogus: 1\n')) });
    assert.match(err, /unknown field "bogus"/);
    assert.match(await k.fails(['get', 'configmap', 'list-c']), /not found/);
  });

  test('an unknown field is refused with an error naming it', async (t) => {
    const k = kubectlSession(t, s.server.kubeconfig);
    const cases: { name: string; edit: (y: string) => string; field: RegExp }[] = [
      {
        name: 'typo-top',
        edit: (y) => y.replace('  replicas: 1', '  replicaz: 1'),
        field: /unknown field "spec\.replicaz"/,
      },
      {
        name: 'typo-deep',
        edit: (y) =>
          y.replace(
            '        image: nginx:1.25',
            '        image: nginx:1.25\n        imagePullPolicyy: Always',
          ),
        field: /unknown field "spec\.template\.spec\.containers\[0\]\.imagePullPolicyy"/,
      },
    ];
    for (const c of cases) {
      for (const verb of ['apply', 'create']) {
        const err = await k.fails([verb, '-f', '-'], { input: c.edit(deployment('default', c.name)) });
        assert.match(err, c.field, `${verb} ${c.name}`);
        assert.match(
          await k.fails(['get', 'deploy', c.name]),
          /not found/,
          `${verb} ${c.name} must not be stored`,
        );
      }
    }
  });
});
