/**
 * kubectl's first contact with a server: version, discovery (api-resources / api-versions), the
 * OpenAPI schema behind `explain`, and TLS client authentication (a certificate from a foreign CA,
 * and no certificate at all, must both be refused).
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import { e2eSkip, useServer } from '../helpers/e2e.ts';
import { httpsClient } from '../helpers/https.ts';
import { kubectlSession } from '../helpers/kubectl.ts';

describe('kubectl discovery and authentication', { skip: e2eSkip() }, () => {
  const s = useServer();

  test('version reports a 1.32 server', async (t) => {
    const k = kubectlSession(t, s.server.kubeconfig);
    const out = await k.ok(['version', '-o', 'json']);
    const v = JSON.parse(out) as {
      serverVersion?: { major?: string; minor?: string; gitVersion?: string; platform?: string };
    };
    assert.equal(v.serverVersion?.major, '1');
    assert.match(v.serverVersion?.minor ?? '', /^32\+?$/);
    assert.match(v.serverVersion?.gitVersion ?? '', /^v1\.32\./);
    assert.match(v.serverVersion?.platform ?? '', /^linux\//);
    assert.match(await k.ok(['version']), /Server Version: v1\.32\./);
  });

  test('api-resources lists the workload kinds with short names, groups and scope', async (t) => {
    const k = kubectlSession(t, s.server.kubeconfig);
    const out = await k.ok(['api-resources']);
    assert.match(out, /^NAME\s+SHORTNAMES\s+APIVERSION\s+NAMESPACED\s+KIND$/m);
    const rows: [string, string, string, string, string][] = [
      ['deployments', 'deploy', 'apps/v1', 'true', 'Deployment'],
      ['statefulsets', 'sts', 'apps/v1', 'true', 'StatefulSet'],
      ['daemonsets', 'ds', 'apps/v1', 'true', 'DaemonSet'],
      ['cronjobs', 'cj', 'batch/v1', 'true', 'CronJob'],
      ['configmaps', 'cm', 'v1', 'true', 'ConfigMap'],
      ['services', 'svc', 'v1', 'true', 'Service'],
      ['pods', 'po', 'v1', 'true', 'Pod'],
      ['namespaces', 'ns', 'v1', 'false', 'Namespace'],
    ];
    for (const [name, short, version, namespaced, kind] of rows) {
      const re = new RegExp(`^${name}\\s+${short}\\s+${version}\\s+${namespaced}\\s+${kind}$`, 'm');
      assert.match(out, re, `api-resources row for ${name}`);
    }
    assert.match(out, /^secrets\s+v1\s+true\s+Secret$/m);
    assert.match(out, /^jobs\s+batch\/v1\s+true\s+Job$/m);

    const namespaced = await k.ok(['api-resources', '--namespaced=false', '-o', 'name']);
    assert.match(namespaced, /^namespaces$/m);
    assert.doesNotMatch(namespaced, /^deployments\.apps$/m);
    const apps = await k.ok(['api-resources', '--api-group=apps', '-o', 'name']);
    assert.deepEqual(
      apps
        .trim()
        .split('\n')
        .filter((l) => /^(deployments|statefulsets|daemonsets|replicasets)\.apps$/.test(l))
        .sort(),
      ['daemonsets.apps', 'deployments.apps', 'replicasets.apps', 'statefulsets.apps'],
    );

    const versions = (await k.ok(['api-versions'])).trim().split('\n');
    for (const gv of ['v1', 'apps/v1', 'batch/v1'])
      assert.ok(versions.includes(gv), `api-versions lacks ${gv}: ${versions.join(' ')}`);
  });

  test('explain shows the schema of deployment.spec.strategy', async (t) => {
    const k = kubectlSession(t, s.server.kubeconfig);
    const out = await k.ok(['explain', 'deployment.spec.strategy']);
    assert.match(out, /^GROUP:\s+apps$/m);
    assert.match(out, /^KIND:\s+Deployment$/m);
    assert.match(out, /^VERSION:\s+v1$/m);
    assert.match(out, /^FIELD: strategy <DeploymentStrategy>$/m);
    assert.match(out, /^\s+rollingUpdate\s+<RollingUpdateDeployment>$/m);
    assert.match(out, /^\s+type\s+<string>$/m);
    const deep = await k.ok(['explain', 'deployment.spec.strategy.rollingUpdate.maxSurge']);
    assert.match(deep, /^FIELD: maxSurge <IntOrString>$/m);
    const bad = await k.fails(['explain', 'deployment.spec.nosuchfield']);
    assert.match(bad, /nosuchfield/);
  });

  test('a client certificate from a foreign CA is refused, the real one accepted', async (t) => {
    const k = kubectlSession(t, s.server.kubeconfig);
    await k.ok(['get', 'namespaces']);

    // A CA nobody trusts issues a certificate claiming to be a cluster admin.
    const dir = k.home;
    const ossl = (args: string[]): void => {
      execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' });
    };
    ossl([
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:prime256v1',
      '-nodes',
      '-keyout',
      'evil-ca.key',
      '-out',
      'evil-ca.crt',
      '-subj',
      '/CN=evil-ca',
      '-days',
      '1',
    ]);
    ossl([
      'req',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:prime256v1',
      '-nodes',
      '-keyout',
      'evil.key',
      '-out',
      'evil.csr',
      '-subj',
      '/O=system:masters/CN=admin',
    ]);
    ossl([
      'x509',
      '-req',
      '-in',
      'evil.csr',
      '-CA',
      'evil-ca.crt',
      '-CAkey',
      'evil-ca.key',
      '-CAcreateserial',
      '-out',
      'evil.crt',
      '-days',
      '1',
    ]);

    const doc = parse(readFileSync(s.server.kubeconfig, 'utf8')) as {
      users: { user: Record<string, unknown> }[];
    };
    for (const u of doc.users) {
      u.user = {
        'client-certificate-data': readFileSync(join(dir, 'evil.crt')).toString('base64'),
        'client-key-data': readFileSync(join(dir, 'evil.key')).toString('base64'),
      };
    }
    const evil = join(dir, 'evil-kubeconfig');
    writeFileSync(evil, stringify(doc));
    const refused = await k.fails(['get', 'namespaces'], { kubeconfig: evil });
    assert.match(refused, /Unauthorized|certificate|tls|handshake|must be logged in/i);
    assert.doesNotMatch(refused, /^NAME/m);

    // A bearer token nobody issued. (A user with no credentials at all makes kubectl prompt for a
    // username, so that case is checked below without kubectl.)
    for (const u of doc.users) u.user = { token: 'not-a-real-token' };
    const bogus = join(dir, 'token-kubeconfig');
    writeFileSync(bogus, stringify(doc));
    assert.match(
      await k.fails(['get', 'secrets', '-A'], { kubeconfig: bogus }),
      /must be logged in|Unauthorized/i,
    );

    const { cert: _cert, key: _key, token: _token, ...anonymous } = s.server.connection;
    const client = httpsClient(anonymous);
    try {
      const res = await client.request('GET', '/api/v1/secrets');
      assert.ok(
        res.status === 401 || res.status === 403,
        `anonymous list secrets: ${res.status} ${res.body}`,
      );
      const status = JSON.parse(res.body) as { kind: string; reason: string; code: number };
      assert.equal(status.kind, 'Status');
      assert.equal(status.code, res.status);
      assert.match(status.reason, /^(Unauthorized|Forbidden)$/);
    } finally {
      client.close();
    }
  });
});
