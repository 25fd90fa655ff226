/**
 * Deleting with kubectl: by file, by label, with --cascade=orphan and --cascade=foreground (the API's
 * part: finalizers), and `kubectl wait --for=delete` released by a deletion from another process.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { e2eSkip, useServer } from '../helpers/e2e.ts';
import { kubectlSession, type KubectlSession } from '../helpers/kubectl.ts';
import { configMap, deployment, docs, namespace } from './fixtures.ts';

function sorted(text: string): string[] {
  return text
    .trim()
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean)
    .sort();
}

async function exists(k: KubectlSession, ns: string, resource: string): Promise<boolean> {
  const r = await k.run(['get', resource, '-n', ns, '-o', 'name']);
  if (r.code === 0) return true;
  assert.match(r.stderr, /NotFound/, `get ${resource}: ${r.stderr}`);
  return false;
}

/** A ConfigMap owned by the given object (uid) — a dependent for the garbage-collection policies. */
function dependent(
  ns: string,
  name: string,
  owner: { kind: string; apiVersion: string; name: string; uid: string },
): string {
  return `apiVersion: v1
kind: ConfigMap
metadata:
  name: ${name}
  namespace: ${ns}
  ownerReferences:
  - apiVersion: ${owner.apiVersion}
    kind: ${owner.kind}
    name: ${owner.name}
    uid: ${owner.uid}
    controller: true
    blockOwnerDeletion: true
data: { a: "1" }
`;
}

describe('kubectl delete and wait', { skip: e2eSkip() }, () => {
  const s = useServer();

  test('delete -f removes what the file names', async (t) => {
    const k = kubectlSession(t, s.server.kubeconfig);
    const file = join(k.home, 'objs.yaml');
    writeFileSync(file, docs(namespace('del-file'), configMap('del-file', 'a'), deployment('del-file', 'd')));
    await k.ok(['apply', '-f', file]);
    // Namespaced objects only: deleting the namespace too would make this about namespace finalization.
    writeFileSync(file, docs(configMap('del-file', 'a'), deployment('del-file', 'd')));
    assert.deepEqual(sorted(await k.ok(['delete', '-f', file])), [
      'configmap "a" deleted',
      'deployment.apps "d" deleted',
    ]);
    assert.equal(await exists(k, 'del-file', 'cm/a'), false);
    assert.equal(await exists(k, 'del-file', 'deploy/d'), false);
    const again = await k.fails(['delete', '-f', file]);
    assert.match(again, /NotFound/);
    assert.equal((await k.ok(['delete', '-f', file, '--ignore-not-found'])).trim(), '');
  });

  test('delete -l removes exactly the matching objects', async (t) => {
    const k = kubectlSession(t, s.server.kubeconfig);
    await k.ok(['apply', '-f', '-'], {
      input: docs(
        namespace('del-label'),
        configMap('del-label', 'x1', { group: 'g1' }),
        configMap('del-label', 'x2', { group: 'g1' }),
        configMap('del-label', 'y1', { group: 'g2' }),
      ),
    });
    assert.deepEqual(sorted(await k.ok(['delete', 'cm', '-n', 'del-label', '-l', 'group=g1'])), [
      'configmap "x1" deleted',
      'configmap "x2" deleted',
    ]);
    const left = (await k.ok(['get', 'cm', '-n', 'del-label', '-l', 'group', '-o', 'name'])).trim();
    assert.equal(left, 'configmap/y1');
    const none = await k.run(['delete', 'cm', '-n', 'del-label', '-l', 'group=nobody']);
    assert.equal(none.code, 0, none.stderr);
    assert.match(none.stdout + none.stderr, /No resources found/);
  });

  /**
   * What the API itself does for orphan/foreground deletes: the owner is marked (deletionTimestamp +
   * the policy's finalizer) and kept until the garbage collector finishes; removing the last finalizer
   * completes the deletion. The test plays the collector's last step by hand, unless one already did.
   */
  const policies: { cascade: string; finalizer: string }[] = [
    { cascade: 'orphan', finalizer: 'orphan' },
    { cascade: 'foreground', finalizer: 'foregroundDeletion' },
  ];
  for (const p of policies) {
    test(`--cascade=${p.cascade} marks the owner with the ${p.finalizer} finalizer; dropping it completes the delete`, async (t) => {
      const k = kubectlSession(t, s.server.kubeconfig);
      const ns = `del-${p.cascade}`;
      await k.ok(['apply', '-f', '-'], { input: docs(namespace(ns), deployment(ns, 'owner')) });
      const uid = await k.ok(['get', 'deploy', 'owner', '-n', ns, '-o', 'jsonpath={.metadata.uid}']);
      await k.ok(['apply', '-f', '-'], {
        input: dependent(ns, 'child', { kind: 'Deployment', apiVersion: 'apps/v1', name: 'owner', uid }),
      });

      const out = await k.ok([
        'delete',
        'deployment',
        'owner',
        '-n',
        ns,
        `--cascade=${p.cascade}`,
        '--wait=false',
      ]);
      assert.equal(out.trim(), 'deployment.apps "owner" deleted');
      const r = await k.run(['get', 'deploy', 'owner', '-n', ns, '-o', 'json']);
      if (r.code === 0) {
        const obj = JSON.parse(r.stdout) as {
          metadata: { deletionTimestamp?: string; finalizers?: string[] };
        };
        assert.ok(obj.metadata.deletionTimestamp, 'a terminating owner has deletionTimestamp');
        assert.deepEqual(obj.metadata.finalizers, [p.finalizer]);
        // Still terminating: a second delete changes nothing and does not fail — unless the garbage
        // collector finished meanwhile, which is why NotFound is accepted from here on.
        const again = await k.run([
          'delete',
          'deployment',
          'owner',
          '-n',
          ns,
          `--cascade=${p.cascade}`,
          '--wait=false',
        ]);
        if (again.code !== 0) assert.match(again.stderr, /NotFound/);
        const patched = await k.run([
          'patch',
          'deploy',
          'owner',
          '-n',
          ns,
          '--type',
          'json',
          '-p',
          '[{"op":"remove","path":"/metadata/finalizers"}]',
        ]);
        if (patched.code !== 0) assert.match(patched.stderr, /NotFound|not found|nonexistent/);
      } else {
        assert.match(r.stderr, /NotFound/);
      }
      assert.equal(await exists(k, ns, 'deploy/owner'), false);
      if (p.cascade === 'orphan') assert.equal(await exists(k, ns, 'cm/child'), true);
    });
  }

  // The garbage collector (src/controllers/garbagecollector) runs inside `berth server`.
  test('--cascade=orphan: kubectl returns once the owner is gone; the dependent stays', async (t) => {
    const k = kubectlSession(t, s.server.kubeconfig);
    const ns = 'gc-orphan';
    await k.ok(['apply', '-f', '-'], { input: docs(namespace(ns), deployment(ns, 'owner')) });
    const uid = await k.ok(['get', 'deploy', 'owner', '-n', ns, '-o', 'jsonpath={.metadata.uid}']);
    await k.ok(['apply', '-f', '-'], {
      input: dependent(ns, 'child', { kind: 'Deployment', apiVersion: 'apps/v1', name: 'owner', uid }),
    });
    await k.ok(['delete', 'deployment', 'owner', '-n', ns, '--cascade=orphan', '--timeout=10s']);
    assert.equal(await exists(k, ns, 'deploy/owner'), false);
    assert.equal(await exists(k, ns, 'cm/child'), true);
    assert.equal(
      await k.ok(['get', 'cm', 'child', '-n', ns, '-o', 'jsonpath={.metadata.ownerReferences}']),
      '',
    );
  });

  test('--cascade=foreground: the owner waits for its dependent, then both are gone', async (t) => {
    const k = kubectlSession(t, s.server.kubeconfig);
    const ns = 'gc-fg';
    await k.ok(['apply', '-f', '-'], { input: docs(namespace(ns), deployment(ns, 'parent')) });
    const uid = await k.ok(['get', 'deploy', 'parent', '-n', ns, '-o', 'jsonpath={.metadata.uid}']);
    await k.ok(['apply', '-f', '-'], {
      input: dependent(ns, 'kid', { kind: 'Deployment', apiVersion: 'apps/v1', name: 'parent', uid }),
    });
    await k.ok(['delete', 'deployment', 'parent', '-n', ns, '--cascade=foreground', '--timeout=10s']);
    assert.equal(await exists(k, ns, 'deploy/parent'), false);
    assert.equal(await exists(k, ns, 'cm/kid'), false);
  });

  test('default (background) cascade: the dependent is deleted after its owner', async (t) => {
    const k = kubectlSession(t, s.server.kubeconfig);
    const ns = 'gc-bg';
    await k.ok(['apply', '-f', '-'], { input: docs(namespace(ns), deployment(ns, 'boss')) });
    const uid = await k.ok(['get', 'deploy', 'boss', '-n', ns, '-o', 'jsonpath={.metadata.uid}']);
    await k.ok(['apply', '-f', '-'], {
      input: dependent(ns, 'worker', { kind: 'Deployment', apiVersion: 'apps/v1', name: 'boss', uid }),
    });
    await k.ok(['delete', 'deployment', 'boss', '-n', ns]);
    assert.equal(await exists(k, ns, 'deploy/boss'), false);
    // The collector works asynchronously: kubectl's own wait tells when the dependent is gone.
    const r = await k.run(['wait', '--for=delete', 'cm/worker', '-n', ns, '--timeout=15s']);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(await exists(k, ns, 'cm/worker'), false);
  });

  test('a dependent whose owner never existed is collected; one with a living owner is not', async (t) => {
    const k = kubectlSession(t, s.server.kubeconfig);
    const ns = 'gc-dangling';
    await k.ok(['apply', '-f', '-'], { input: docs(namespace(ns), configMap(ns, 'owner-cm')) });
    const uid = await k.ok(['get', 'cm', 'owner-cm', '-n', ns, '-o', 'jsonpath={.metadata.uid}']);
    await k.ok(['apply', '-f', '-'], {
      input: docs(
        dependent(ns, 'orphaned', {
          kind: 'ConfigMap',
          apiVersion: 'v1',
          name: 'ghost',
          uid: '00000000-0000-0000-0000-00000000dead',
        }),
        dependent(ns, 'kept', { kind: 'ConfigMap', apiVersion: 'v1', name: 'owner-cm', uid }),
      ),
    });
    const r = await k.run(['wait', '--for=delete', 'cm/orphaned', '-n', ns, '--timeout=15s']);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(await exists(k, ns, 'cm/kept'), true);
  });

  test('kubectl delete namespace waits until the namespace and its content are gone', async (t) => {
    const k = kubectlSession(t, s.server.kubeconfig);
    const ns = 'ns-doomed';
    await k.ok(['apply', '-f', '-'], {
      input: docs(namespace(ns), configMap(ns, 'c1'), configMap(ns, 'c2'), deployment(ns, 'd')),
    });
    const out = await k.ok(['delete', 'namespace', ns, '--timeout=90s']);
    assert.equal(out.trim(), `namespace "${ns}" deleted`);
    const gone = await k.run(['get', 'namespace', ns]);
    assert.notEqual(gone.code, 0);
    assert.match(gone.stderr, /NotFound/);
    // Recreating it gives an empty namespace: the old content went with the old one.
    await k.ok(['create', 'namespace', ns]);
    assert.equal(
      (await k.ok(['get', 'cm,deploy', '-n', ns, '-o', 'name']))
        .trim()
        .split('\n')
        .filter((l) => !l.endsWith('kube-root-ca.crt') && l)
        .join(),
      '',
    );
    await k.ok(['delete', 'namespace', ns, '--timeout=90s']);
  });

  test('wait --for=delete returns once another process deletes the object', async (t) => {
    const k = kubectlSession(t, s.server.kubeconfig);
    const ns = 'del-wait';
    await k.ok(['apply', '-f', '-'], { input: docs(namespace(ns), configMap(ns, 'doomed')) });
    // -v=6 logs each request; the watch request in the log means kubectl is now waiting on events.
    const waiter = k.spawn(['wait', '--for=delete', 'configmap/doomed', '-n', ns, '--timeout=30s', '-v=6']);
    await waiter.waitFor(/watch=true/, { stream: 'stderr', timeoutMs: 20_000 });
    assert.equal(waiter.child.exitCode, null, 'wait must still be waiting before the delete');
    await k.ok(['delete', 'cm', 'doomed', '-n', ns, '--wait=false']);
    const r = await waiter.exited;
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout.trim(), 'configmap/doomed condition met');

    // Waiting for an object that never goes away times out with an error.
    await k.ok(['apply', '-f', '-'], { input: configMap(ns, 'stays') });
    const timeout = await k.run(['wait', '--for=delete', 'cm/stays', '-n', ns, '--timeout=1s']);
    assert.notEqual(timeout.code, 0);
    assert.match(timeout.stderr, /timed out waiting for the condition/);
  });
});
