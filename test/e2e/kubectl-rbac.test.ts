/**
 * RBAC with the real kubectl: `berth user create` issues alice a kubeconfig; with only a Role that
 * reads pods in one namespace she can list pods there and is refused elsewhere with Kubernetes' exact
 * Forbidden wording; the admin impersonating her (`--as alice`) is refused the same way; she cannot
 * impersonate anyone; a RoleBinding to the aggregated `view` ClusterRole works; and `kubectl auth
 * can-i` (yes/no and --list) and the review APIs answer from RBAC.
 */
import { before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { e2eSkip, useServer } from '../helpers/e2e.ts';
import { httpsClient } from '../helpers/https.ts';
import { readKubeconfig } from '../helpers/kubeconfig.ts';
import { kubectlSession } from '../helpers/kubectl.ts';
import { berthBin, repoRoot } from '../helpers/server.ts';
import { deployment, docs, namespace } from './fixtures.ts';

/** Runs the berth CLI to completion. */
function berth(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(berthBin, args, { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? 1, stdout, stderr }));
  });
}

/** kubectl posts SelfSubjectRulesReview as protobuf; the server's protobuf tables do not hold that kind yet. */

describe('kubectl with RBAC', { skip: e2eSkip() }, () => {
  const s = useServer();
  let alice = '';

  before(async () => {
    const r = await berth(['user', 'create', 'alice', '--data-dir', s.server.dataDir]);
    assert.equal(r.code, 0, r.stderr);
    alice = r.stdout.trim();
    const admin = kubectlSession(undefined, s.server.kubeconfig);
    await admin.ok(['apply', '-f', '-'], {
      input: docs(
        namespace('prod'),
        namespace('team'),
        deployment('team', 'web'),
        `apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata: { name: pod-reader, namespace: prod }
rules:
- { apiGroups: [""], resources: [pods], verbs: [get, list] }
`,
        `apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: { name: alice-reads-pods, namespace: prod }
roleRef: { apiGroup: rbac.authorization.k8s.io, kind: Role, name: pod-reader }
subjects:
- { kind: User, name: alice }
`,
        `apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: { name: alice-views, namespace: team }
roleRef: { apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: view }
subjects:
- { kind: User, name: alice }
`,
      ),
    });
    await admin.close();
  });

  test('berth user create writes a kubeconfig under the data dir and prints its path', () => {
    assert.equal(alice, join(s.server.dataDir, 'users', 'alice.kubeconfig'));
    assert.ok(existsSync(alice));
  });

  test('alice lists pods where her Role allows it', async (t) => {
    const k = kubectlSession(t, alice);
    const r = await k.run(['get', 'pods', '-n', 'prod']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /No resources found in prod namespace/);
  });

  test('alice is refused elsewhere, in Kubernetes wording', async (t) => {
    const k = kubectlSession(t, alice);
    const err = await k.fails(['get', 'pods', '-n', 'default']);
    assert.equal(
      err.trim(),
      'Error from server (Forbidden): pods is forbidden: User "alice" cannot list resource "pods" in API group "" in the namespace "default"',
    );
  });

  test('the admin impersonating alice is refused the same way', async (t) => {
    const k = kubectlSession(t, s.server.kubeconfig);
    const err = await k.fails(['get', 'pods', '--as', 'alice', '-n', 'default']);
    assert.equal(
      err.trim(),
      'Error from server (Forbidden): pods is forbidden: User "alice" cannot list resource "pods" in API group "" in the namespace "default"',
    );
    await k.ok(['get', 'pods', '--as', 'alice', '-n', 'prod']);
  });

  test('alice may not impersonate bob', async (t) => {
    const k = kubectlSession(t, alice);
    // Discovery as bob is refused too, and kubectl reports a failed discovery only as "Forbidden:
    // unknown" (as with Kubernetes); a discovery cache filled as alice lets the real message through.
    await k.ok(['get', 'pods', '-n', 'prod']);
    const err = await k.fails(['get', 'pods', '-n', 'prod', '--as', 'bob']);
    assert.equal(
      err.trim(),
      'Error from server (Forbidden): users "bob" is forbidden: User "alice" cannot impersonate resource "users" in API group "" at the cluster scope',
    );
  });

  test('the aggregated view role reads deployments but not secrets', async (t) => {
    const k = kubectlSession(t, alice);
    assert.match(await k.ok(['get', 'deployments', '-n', 'team']), /^web\s/m);
    const err = await k.fails(['get', 'secrets', '-n', 'team']);
    assert.match(
      err,
      /secrets is forbidden: User "alice" cannot list resource "secrets" in API group "" in the namespace "team"/,
    );
  });

  test('the review APIs answer from RBAC (JSON bodies)', async () => {
    const client = httpsClient(readKubeconfig(alice));
    try {
      const post = async (resource: string, spec: object) => {
        const r = await client.request('POST', `/apis/authorization.k8s.io/v1/${resource}`, {
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ apiVersion: 'authorization.k8s.io/v1', kind: 'X', spec }),
        });
        assert.equal(r.status, 201, r.body);
        return JSON.parse(r.body) as { status: Record<string, unknown> };
      };
      const access = (namespace: string) =>
        post('selfsubjectaccessreviews', {
          resourceAttributes: { verb: 'list', resource: 'pods', namespace },
        });
      assert.equal((await access('prod')).status.allowed, true);
      assert.equal((await access('default')).status.allowed, false);
      const rules = (await post('selfsubjectrulesreviews', { namespace: 'prod' })).status;
      assert.deepEqual(
        (rules.resourceRules as object[]).filter((r) => JSON.stringify(r).includes('"pods"')),
        [{ verbs: ['get', 'list'], apiGroups: [''], resources: ['pods'] }],
      );
      assert.ok(
        (rules.nonResourceRules as { nonResourceURLs: string[] }[]).some((r) =>
          r.nonResourceURLs.includes('/api'),
        ),
      );
    } finally {
      client.close();
    }
  });

  test('kubectl auth can-i answers yes and no', async (t) => {
    const k = kubectlSession(t, alice);
    assert.equal((await k.ok(['auth', 'can-i', 'list', 'pods', '-n', 'prod'])).trim(), 'yes');
    const no = await k.run(['auth', 'can-i', 'list', 'pods', '-n', 'default']);
    assert.equal(no.code, 1);
    assert.equal(no.stdout.trim(), 'no');
  });

  test('kubectl auth can-i --list shows the Role rule', async (t) => {
    const k = kubectlSession(t, alice);
    const out = await k.ok(['auth', 'can-i', '--list', '-n', 'prod']);
    assert.match(out, /^Resources\s+Non-Resource URLs\s+Resource Names\s+Verbs$/m);
    assert.match(out, /^pods\s+\[\]\s+\[\]\s+\[get list\]$/m);
    assert.match(out, /^selfsubjectaccessreviews\.authorization\.k8s\.io\s+\[\]\s+\[\]\s+\[create\]$/m);
  });
});
