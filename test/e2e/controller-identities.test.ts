/**
 * The control plane's own identities, seen with the real kubectl: every controller acts as its
 * service account in kube-system and the scheduler as system:kube-scheduler, each held to its
 * bootstrap ClusterRole (`kubectl auth can-i --as ...` answers from RBAC, nobody is in
 * system:masters), and a Deployment still comes to life through them.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { e2eSkip, useServer } from '../helpers/e2e.ts';
import { kubectlSession } from '../helpers/kubectl.ts';

const sa = (name: string): string => `system:serviceaccount:kube-system:${name}`;

describe('controller identities', { skip: e2eSkip() }, () => {
  const s = useServer();

  const cases: [string, string[], 'yes' | 'no'][] = [
    [sa('deployment-controller'), ['create', 'replicasets.apps'], 'yes'],
    [sa('deployment-controller'), ['create', 'pods'], 'no'],
    [sa('replicaset-controller'), ['create', 'pods'], 'yes'],
    [sa('replicaset-controller'), ['get', 'secrets'], 'no'],
    [sa('generic-garbage-collector'), ['delete', 'widgets.stable.example.com'], 'yes'],
    [sa('generic-garbage-collector'), ['create', 'pods'], 'no'],
    [sa('namespace-controller'), ['deletecollection', 'deployments.apps'], 'yes'],
    [sa('node-controller'), ['delete', 'pods'], 'yes'],
    [sa('node-controller'), ['create', 'pods'], 'no'],
    [sa('horizontal-pod-autoscaler'), ['update', 'deployments.apps', '--subresource=scale'], 'yes'],
    [
      sa('certificate-controller'),
      ['update', 'certificatesigningrequests.certificates.k8s.io', '--subresource=approval'],
      'yes',
    ],
    [sa('job-controller'), ['create', 'clusterrolebindings.rbac.authorization.k8s.io'], 'no'],
    ['system:kube-scheduler', ['create', 'pods', '--subresource=binding'], 'yes'],
    ['system:kube-scheduler', ['delete', 'nodes'], 'no'],
    ['system:kube-controller-manager', ['watch', 'secrets', '-A'], 'yes'],
    ['system:kube-controller-manager', ['create', 'pods'], 'no'],
  ];

  test('kubectl auth can-i answers from each component’s role', { timeout: 60_000 }, async (t) => {
    const k = kubectlSession(t, s.server.kubeconfig);
    const wrong: string[] = [];
    for (const [user, args, want] of cases) {
      const r = await k.run(['auth', 'can-i', ...args, '--as', user]);
      if (r.stdout.trim() !== want)
        wrong.push(`${user} ${args.join(' ')}: got ${r.stdout.trim()}${r.stderr}`);
    }
    assert.deepEqual(wrong, []);
  });

  test('the roles and bindings are there under Kubernetes’ names', { timeout: 30_000 }, async (t) => {
    const k = kubectlSession(t, s.server.kubeconfig);
    const subjects = await k.ok([
      'get',
      'clusterrolebinding',
      'system:controller:deployment-controller',
      '-o',
      'jsonpath={.subjects[0].kind}/{.subjects[0].namespace}/{.subjects[0].name}',
    ]);
    assert.equal(subjects, 'ServiceAccount/kube-system/deployment-controller');
    const masters = await k.ok([
      'get',
      'clusterrolebinding',
      'cluster-admin',
      '-o',
      'jsonpath={range .subjects[*]}{.name}{"\\n"}{end}',
    ]);
    assert.equal(masters.trim(), 'system:masters');
  });

  test(
    'a Deployment’s ReplicaSet and its events come from the controllers',
    { timeout: 60_000 },
    async (t) => {
      const k = kubectlSession(t, s.server.kubeconfig);
      await k.ok(['create', 'deployment', 'ids', '--image=busybox:1.36', '--replicas=2']);
      let rs = '';
      for (let i = 0; i < 100 && !rs; i++) {
        // items[*]: an empty list prints nothing (items[0] would fail the poll before the controller acts).
        rs = (await k.ok(['get', 'rs', '-l', 'app=ids', '-o', 'jsonpath={.items[*].metadata.name}'])).trim();
        if (!rs) await new Promise((r) => setTimeout(r, 100));
      }
      assert.ok(rs, 'the deployment controller made a ReplicaSet');
      let pods = 0;
      for (let i = 0; i < 100 && pods < 2; i++) {
        pods = (await k.ok(['get', 'pods', '-l', 'app=ids', '-o', 'name']))
          .trim()
          .split('\n')
          .filter(Boolean).length;
        if (pods < 2) await new Promise((r) => setTimeout(r, 100));
      }
      assert.equal(pods, 2, 'the replicaset controller made the pods');
      const events = await k.ok([
        'get',
        'events',
        '--field-selector',
        'involvedObject.kind=Deployment,involvedObject.name=ids',
        '-o',
        'jsonpath={range .items[*]}{.reason}{"\\n"}{end}',
      ]);
      assert.match(events, /ScalingReplicaSet/);
    },
  );
});
