import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseKubeconfig, readKubeconfig } from './kubeconfig.ts';

const b64 = (s: string): string => Buffer.from(s).toString('base64');

test('parseKubeconfig follows current-context to cluster and user', () => {
  const text = `
apiVersion: v1
kind: Config
current-context: b
contexts:
- name: a
  context: { cluster: one, user: u1 }
- name: b
  context: { cluster: two, user: u2 }
clusters:
- name: one
  cluster: { server: "https://one:1" }
- name: two
  cluster: { server: "https://two:2", certificate-authority-data: ${b64('CA2')} }
users:
- name: u1
  user: { token: t1 }
- name: u2
  user: { client-certificate-data: ${b64('CERT')}, client-key-data: ${b64('KEY')} }
`;
  assert.deepEqual(parseKubeconfig(text), { server: 'https://two:2', ca: 'CA2', cert: 'CERT', key: 'KEY' });
});

test('file references resolve relative to the kubeconfig', () => {
  const dir = mkdtempSync(join(tmpdir(), 'kcfg-'));
  try {
    writeFileSync(join(dir, 'ca.crt'), 'CAFILE');
    writeFileSync(
      join(dir, 'config'),
      `current-context: c
contexts: [{ name: c, context: { cluster: k, user: u } }]
clusters: [{ name: k, cluster: { server: "https://x:3", certificate-authority: ca.crt } }]
users: [{ name: u, user: { token: abc } }]
`,
    );
    assert.deepEqual(readKubeconfig(join(dir, 'config')), {
      server: 'https://x:3',
      ca: 'CAFILE',
      token: 'abc',
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a kubeconfig without a usable context or server is refused', () => {
  assert.throws(() => parseKubeconfig('current-context: nope\ncontexts: []\n'), /no context/);
  assert.throws(
    () =>
      parseKubeconfig(
        'current-context: c\ncontexts: [{ name: c, context: { cluster: k } }]\nclusters: [{ name: k, cluster: {} }]\n',
      ),
    /has no server/,
  );
});
