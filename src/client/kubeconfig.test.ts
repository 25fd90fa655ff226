import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { createServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import type { TLSSocket } from 'node:tls';
import { parse } from 'yaml';
import { ensureClusterPki } from '../apiserver/pki/cluster-pki.ts';
import { defaultKubeconfigPath, loadKubeconfig, writeKubeconfig } from './kubeconfig.ts';

const base = await mkdtemp(join(tmpdir(), 'berth-kubeconfig-'));
const pki = await ensureClusterPki(join(base, 'pki'));

test.after(() => rm(base, { recursive: true, force: true }));

test('write then load round-trips, with embedded data and mode 0600', async () => {
  const file = join(base, 'rt', 'admin.kubeconfig');
  await writeKubeconfig(file, {
    server: 'https://127.0.0.1:6443',
    caCertPem: pki.caCert,
    user: { name: 'admin', clientCert: pki.adminCert, clientKey: pki.adminKey },
    namespace: 'team-a',
  });
  assert.equal((await stat(file)).mode & 0o777, 0o600);
  const doc = parse(await readFile(file, 'utf8')) as Record<string, unknown>;
  assert.equal(doc.kind, 'Config');
  assert.equal(doc['current-context'], 'berth');
  const text = await readFile(file, 'utf8');
  for (const field of ['certificate-authority-data', 'client-certificate-data', 'client-key-data']) {
    assert.ok(text.includes(`${field}: `), field);
  }
  assert.ok(!text.includes('BEGIN'), 'PEM is embedded as base64, not raw');

  assert.deepEqual(await loadKubeconfig(file), {
    context: 'berth',
    server: 'https://127.0.0.1:6443',
    caCert: pki.caCert,
    insecureSkipTlsVerify: false,
    clientCert: pki.adminCert,
    clientKey: pki.adminKey,
    namespace: 'team-a',
  });
});

test('token users, custom names, and the default namespace', async () => {
  const file = join(base, 'token.kubeconfig');
  await writeKubeconfig(file, {
    server: 'https://10.0.0.1:6443',
    caCertPem: pki.caCert,
    user: { name: 'robot', token: 'abc.def.ghi' },
    cluster: 'prod',
    context: 'robot@prod',
  });
  const got = await loadKubeconfig(file);
  assert.equal(got.context, 'robot@prod');
  assert.equal(got.token, 'abc.def.ghi');
  assert.equal(got.clientCert, undefined);
  assert.equal(got.namespace, 'default');
});

test('file paths (relative to the kubeconfig), tokenFile, named contexts and errors', async () => {
  const dir = await mkdtemp(join(base, 'paths-'));
  await writeFile(join(dir, 'ca.crt'), pki.caCert);
  await writeFile(join(dir, 'admin.crt'), pki.adminCert);
  await writeFile(join(dir, 'admin.key'), pki.adminKey);
  await writeFile(join(dir, 'token'), 'file-token\n');
  const file = join(dir, 'config');
  await writeFile(
    file,
    [
      'apiVersion: v1',
      'kind: Config',
      'current-context: a',
      'clusters:',
      '- name: c1',
      '  cluster: { server: "https://one:6443", certificate-authority: ca.crt }',
      '- name: c2',
      '  cluster: { server: "https://two:6443", insecure-skip-tls-verify: true }',
      'users:',
      '- name: u1',
      `  user: { client-certificate: ${join(dir, 'admin.crt')}, client-key: admin.key }`,
      '- name: u2',
      '  user: { tokenFile: token }',
      'contexts:',
      '- name: a',
      '  context: { cluster: c1, user: u1, namespace: ns-a }',
      '- name: b',
      '  context: { cluster: c2, user: u2 }',
      '- name: broken',
      '  context: { cluster: missing, user: u1 }',
    ].join('\n'),
  );
  const a = await loadKubeconfig(file);
  assert.deepEqual(
    [a.context, a.server, a.caCert, a.clientCert, a.clientKey, a.namespace],
    ['a', 'https://one:6443', pki.caCert, pki.adminCert, pki.adminKey, 'ns-a'],
  );
  const b = await loadKubeconfig(file, 'b');
  assert.deepEqual(
    [b.server, b.caCert, b.insecureSkipTlsVerify, b.token],
    ['https://two:6443', undefined, true, 'file-token'],
  );
  await assert.rejects(loadKubeconfig(file, 'nope'), /no context named "nope"/);
  await assert.rejects(loadKubeconfig(file, 'broken'), /no cluster named "missing"/);
});

test("defaultKubeconfigPath takes KUBECONFIG's first file, else ~/.kube/config", () => {
  assert.equal(defaultKubeconfigPath({ KUBECONFIG: `/a/one${delimiter}/b/two` }), '/a/one');
  assert.equal(defaultKubeconfigPath({ KUBECONFIG: `${delimiter}/b/two` }), '/b/two');
  assert.match(defaultKubeconfigPath({}), /\.kube[/\\]config$/);
});

test('loadKubeconfig() with no path reads KUBECONFIG', async (t) => {
  const file = join(base, 'env.kubeconfig');
  await writeKubeconfig(file, {
    server: 'https://env:6443',
    caCertPem: pki.caCert,
    user: { name: 'x', token: 't' },
  });
  const saved = process.env.KUBECONFIG;
  t.after(() => {
    if (saved === undefined) delete process.env.KUBECONFIG;
    else process.env.KUBECONFIG = saved;
  });
  process.env.KUBECONFIG = `${file}${delimiter}/does/not/exist`;
  assert.equal((await loadKubeconfig()).server, 'https://env:6443');
});

test('the real kubectl accepts the written kubeconfig and the generated certificates', async (t) => {
  const server = createServer(
    {
      key: pki.serverKey,
      cert: pki.serverCert,
      ca: pki.caCert,
      requestCert: true,
      rejectUnauthorized: false,
    },
    (req, res) => {
      const socket = req.socket as TLSSocket;
      const cn = socket.getPeerCertificate().subject?.CN;
      if (!socket.authorized || cn !== 'admin') {
        res.writeHead(401).end();
        return;
      }
      res.setHeader('content-type', 'application/json');
      res.end(
        JSON.stringify({ major: '1', minor: '34', gitVersion: 'v1.34.0-berth', platform: 'linux/amd64' }),
      );
    },
  );
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.after(() => new Promise<void>((resolve) => server.close(() => resolve())));
  const file = join(base, 'kubectl.kubeconfig');
  await writeKubeconfig(file, {
    server: `https://127.0.0.1:${(server.address() as AddressInfo).port}`,
    caCertPem: pki.caCert,
    user: { name: 'admin', clientCert: pki.adminCert, clientKey: pki.adminKey },
  });
  const result = await new Promise<{ code: number | string; stdout: string; stderr: string }>((resolve) => {
    execFile(
      'kubectl',
      ['--kubeconfig', file, 'version', '-o', 'json'],
      { timeout: 8000 },
      (err, stdout, stderr) => {
        resolve({ code: err ? (err.code ?? -1) : 0, stdout, stderr });
      },
    );
  });
  if (result.code === 'ENOENT') {
    t.skip('kubectl not installed');
    return;
  }
  assert.equal(result.code, 0, result.stderr);
  const out = JSON.parse(result.stdout) as { serverVersion?: { gitVersion?: string } };
  assert.equal(out.serverVersion?.gitVersion, 'v1.34.0-berth');
});
