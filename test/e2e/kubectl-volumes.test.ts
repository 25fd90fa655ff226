/**
 * Volumes in the control plane, with the real kubectl and `berth sim` nodes: the default StorageClass
 * `local-path`, a claim that waits for its first consumer, is provisioned on the node the scheduler
 * picked and bound, the pod that uses it running, deletion of the pod and the claim taking the
 * provisioned volume with them, a static volume bound to a class-less claim, and the events
 * `kubectl describe pvc` shows along the way.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { e2eSkip, useServer, useSim } from '../helpers/e2e.ts';
import { kubectlSession, type KubectlSession } from '../helpers/kubectl.ts';

const claimAndPod = `
apiVersion: v1
kind: PersistentVolumeClaim
metadata:
  name: data
spec:
  accessModes: [ReadWriteOnce]
  resources:
    requests:
      storage: 2Gi
`;

const pod = `
apiVersion: v1
kind: Pod
metadata:
  name: app
spec:
  containers:
  - name: app
    image: busybox:1.36
    volumeMounts:
    - name: data
      mountPath: /data
  volumes:
  - name: data
    persistentVolumeClaim:
      claimName: data
`;

const staticVolume = `
apiVersion: v1
kind: PersistentVolume
metadata:
  name: static-pv
  labels:
    kind: static
spec:
  capacity:
    storage: 5Gi
  accessModes: [ReadWriteOnce]
  hostPath:
    path: /srv/static
---
apiVersion: v1
kind: PersistentVolumeClaim
metadata:
  name: static
spec:
  storageClassName: ""
  accessModes: [ReadWriteOnce]
  resources:
    requests:
      storage: 1Gi
  selector:
    matchLabels:
      kind: static
---
apiVersion: v1
kind: PersistentVolumeClaim
metadata:
  name: lonely
spec:
  storageClassName: ""
  accessModes: [ReadWriteOnce]
  resources:
    requests:
      storage: 100Gi
`;

describe('volumes on simulated nodes', { skip: e2eSkip() }, () => {
  const s = useServer();
  const sim = useSim(s, 2);

  /** Polls `get` until `want` matches its output (generous: the machine may be busy). */
  async function until(k: KubectlSession, args: string[], want: RegExp, what: string): Promise<string> {
    let out = '';
    for (let i = 0; i < 150; i++) {
      const r = await k.run(args);
      out = r.stdout + r.stderr;
      if (want.test(out)) return out;
      await new Promise((r) => setTimeout(r, 200));
    }
    throw new Error(`timed out waiting for ${what}; last output:\n${out}\nsim log:\n${sim.log()}`);
  }

  test(
    'the default class provisions a node-local volume for a pod; deleting them removes it',
    { timeout: 240_000 },
    async (t) => {
      const k = kubectlSession(t, s.server.kubeconfig);
      const classes = await k.ok(['get', 'storageclass']);
      assert.match(
        classes,
        /^local-path \(default\)\s+berth\.io\/local-path\s+Delete\s+WaitForFirstConsumer\s+false/m,
      );

      await k.ok(['apply', '-f', '-'], { input: claimAndPod });
      assert.equal(
        await k.ok(['get', 'pvc', 'data', '-o', 'jsonpath={.spec.storageClassName}']),
        'local-path',
        'DefaultStorageClass admission filled in the class',
      );
      await until(
        k,
        ['describe', 'pvc', 'data'],
        /WaitForFirstConsumer\s+.*waiting for first consumer to be created before binding/,
        'WaitForFirstConsumer',
      );
      assert.match(await k.ok(['get', 'pvc', 'data']), /data\s+Pending\s+local-path/);

      await k.ok(['apply', '-f', '-'], { input: pod });
      await until(k, ['get', 'pod', 'app', '-o', 'jsonpath={.status.phase}'], /^Running$/, 'pod app Running');
      const uid = await k.ok(['get', 'pvc', 'data', '-o', 'jsonpath={.metadata.uid}']);
      const pvName = `pvc-${uid}`;
      await until(
        k,
        ['get', 'pvc', 'data', '-o', 'jsonpath={.status.phase} {.spec.volumeName}'],
        new RegExp(`^Bound ${pvName}$`),
        'claim Bound',
      );
      const node = await k.ok(['get', 'pod', 'app', '-o', 'jsonpath={.spec.nodeName}']);
      assert.match(node, /^sim-\d+$/);
      const pv = JSON.parse(await k.ok(['get', 'pv', pvName, '-o', 'json'])) as {
        metadata: { annotations?: Record<string, string>; finalizers?: string[] };
        spec: {
          local?: { path: string };
          capacity: { storage: string };
          nodeAffinity: {
            required: { nodeSelectorTerms: { matchExpressions: { key: string; values: string[] }[] }[] };
          };
          claimRef: { name: string; uid: string };
        };
        status: { phase: string };
      };
      assert.equal(pv.status.phase, 'Bound');
      assert.equal(pv.spec.capacity.storage, '2Gi');
      assert.equal(pv.spec.local?.path, `/var/lib/berth/storage/${pvName}_default_data`);
      assert.deepEqual(pv.spec.nodeAffinity.required.nodeSelectorTerms[0]!.matchExpressions[0]!.values, [
        node,
      ]);
      assert.equal(pv.spec.claimRef.uid, uid);
      assert.equal(pv.metadata.annotations?.['pv.kubernetes.io/provisioned-by'], 'berth.io/local-path');
      assert.deepEqual(pv.metadata.finalizers, ['kubernetes.io/pv-protection']);
      assert.equal(
        await k.ok([
          'get',
          'pvc',
          'data',
          '-o',
          'jsonpath={.metadata.annotations.volume\\.kubernetes\\.io/selected-node}',
        ]),
        node,
      );
      const described = await k.ok(['describe', 'pvc', 'data']);
      assert.match(described, /Status:\s+Bound/);
      assert.match(described, /Used By:\s+app/);
      assert.match(described, /Normal\s+ProvisioningSucceeded\s+.*Successfully provisioned volume pvc-/);
      assert.match(described, /Normal\s+ExternalProvisioning\s+/);

      // Protection: the claim outlives its deletion while the pod uses it.
      await k.ok(['delete', 'pvc', 'data', '--wait=false']);
      assert.match(await k.ok(['get', 'pvc', 'data']), /data\s+Terminating/);
      const t0 = Date.now();
      const deleted = await k.run(['delete', 'pod', 'app', '--wait=true', '--timeout=90s'], {
        timeoutMs: 100_000,
      });
      t.diagnostic(`pod deletion took ${Date.now() - t0} ms`);
      if (deleted.code !== 0) {
        const state = await k.run(['get', 'pod', 'app', '-o', 'yaml']);
        assert.fail(
          `kubectl delete pod app failed (exit ${deleted.code}): ${deleted.stderr}\n` +
            `pod now:\n${state.stdout}${state.stderr}\nsim log:\n${sim.log()}`,
        );
      }
      await k.ok(['wait', '--for=delete', 'pvc/data', '--timeout=60s']);
      await k.ok(['wait', '--for=delete', `pv/${pvName}`, '--timeout=60s']);
    },
  );

  test(
    'a static volume binds to a class-less claim; a claim with nothing to bind says why',
    // The binder re-examines unbound claims every 15 s and protection finalizers come off in turn:
    // on a loaded machine the three waits below can add up past a minute.
    { timeout: 150_000 },
    async (t) => {
      const k = kubectlSession(t, s.server.kubeconfig);
      await k.ok(['apply', '-f', '-'], { input: staticVolume });
      await until(
        k,
        ['get', 'pvc', 'static'],
        /static\s+Bound\s+static-pv\s+5Gi\s+RWO\s+<unset>|static\s+Bound\s+static-pv\s+5Gi\s+RWO/,
        'static claim Bound',
      );
      assert.match(
        await k.ok(['get', 'pv', 'static-pv']),
        /static-pv\s+5Gi\s+RWO\s+Retain\s+Bound\s+default\/static/,
      );
      const lonely = await until(k, ['describe', 'pvc', 'lonely'], /FailedBinding/, 'FailedBinding event');
      assert.match(lonely, /Status:\s+Pending/);
      assert.match(
        lonely,
        /Warning\s+FailedBinding\s+.*no persistent volumes available for this claim and no storage class is set/,
      );

      // Retain: deleting the claim leaves the volume Released.
      await k.ok(['delete', 'pvc', 'static', '--timeout=60s']);
      await until(
        k,
        ['get', 'pv', 'static-pv', '-o', 'jsonpath={.status.phase}'],
        /^Released$/,
        'static-pv Released',
      );
    },
  );
});
