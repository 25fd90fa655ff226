import { test } from 'node:test';
import assert from 'node:assert/strict';
import { staticConfigSource } from './config-source.ts';
import {
  credentialsFor,
  imageLocation,
  keyMatches,
  podPullSecrets,
  type PullSecret,
} from './pull-secrets.ts';
import type { RPod } from './types.ts';

const json = (auths: Record<string, unknown>): PullSecret => ({
  data: { '.dockerconfigjson': Buffer.from(JSON.stringify({ auths })) },
});
const legacy = (auths: Record<string, unknown>): PullSecret => ({
  data: { '.dockercfg': Buffer.from(JSON.stringify(auths)) },
});

test('image locations', () => {
  const cases: Array<[string, string, string]> = [
    ['busybox', 'docker.io', 'library/busybox'],
    ['busybox:1.35', 'docker.io', 'library/busybox'],
    ['team/app@sha256:abc', 'docker.io', 'team/app'],
    ['index.docker.io/busybox', 'docker.io', 'library/busybox'],
    ['localhost:5000/app:2', 'localhost:5000', 'app'],
    ['127.0.0.1:5000/a/b/c:1', '127.0.0.1:5000', 'a/b/c'],
    ['Registry.Example/x', 'registry.example', 'x'],
  ];
  for (const [image, host, path] of cases) assert.deepEqual(imageLocation(image), { host, path }, image);
});

test('keyring key matching', () => {
  const cases: Array<[string, string, boolean]> = [
    ['registry.example', 'registry.example/team/app', true],
    ['https://registry.example', 'registry.example/team/app', true],
    ['registry.example/team', 'registry.example/team/app', true],
    ['registry.example/team', 'registry.example/teammate/app', false],
    ['registry.example/team/app', 'registry.example/team/app:1', true],
    ['registry.example:5000', 'registry.example/team/app', false],
    ['registry.example', 'registry.example:5000/team/app', false],
    ['registry.example:5000', 'registry.example:5000/app', true],
    ['*.example', 'registry.example/app', true],
    ['*.example', 'a.b.example/app', false],
    ['other.example', 'registry.example/app', false],
    ['https://index.docker.io/v1/', 'busybox', true],
    ['docker.io', 'busybox', true],
    ['registry-1.docker.io', 'docker.io/team/app', true],
    ['docker.io/team', 'docker.io/library/busybox', false],
    ['docker.io/library', 'busybox', true],
    ['127.0.0.1:5000', 'localhost:5000/app', false],
  ];
  for (const [key, image, want] of cases)
    assert.equal(keyMatches(key, imageLocation(image)), want, `${key} ~ ${image}`);
});

test('credentials: most specific first, legacy and auth-only entries', () => {
  const auth = Buffer.from('bob:pw2').toString('base64');
  const secrets = [
    json({ 'registry.example': { username: 'alice', password: 'pw1' } }),
    legacy({ 'https://registry.example/team': { auth } }),
    json({ 'registry.example/other': { username: 'carol', password: 'pw3' } }),
    json({ 'registry.example': { email: 'no credentials here' } }),
  ];
  assert.deepEqual(credentialsFor('registry.example/team/app:1', secrets), [
    { server_address: 'https://registry.example', username: 'bob', password: 'pw2', auth },
    { server_address: 'https://registry.example', username: 'alice', password: 'pw1' },
  ]);
  assert.deepEqual(credentialsFor('elsewhere.example/team/app', secrets), []);
  assert.deepEqual(credentialsFor('x', [{ data: { '.dockerconfigjson': Buffer.from('{not json') } }]), []);
  assert.deepEqual(credentialsFor('x', [{ data: { token: Buffer.from('{}') } }]), []);
});

test('pod pull secrets: the pod names first, then its service account, unreadable ones skipped', async () => {
  const configs = staticConfigSource({
    secrets: { 'ns/a': { k: 'a' }, 'ns/b': { k: 'b' }, 'ns/sa1': { k: 'sa1' } },
  });
  const asked: string[] = [];
  const sa = async (ns: string, name: string): Promise<string[] | undefined> => {
    asked.push(`${ns}/${name}`);
    return ['sa1', 'a', 'missing'];
  };
  const pod: RPod = {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'p', namespace: 'ns' },
    spec: { imagePullSecrets: [{ name: 'a' }, { name: 'b' }], serviceAccountName: 'builder' },
  };
  const got = await podPullSecrets(pod, configs, sa);
  assert.deepEqual(
    got.map((s) => s.data.k?.toString()),
    ['a', 'b', 'sa1'],
  );
  assert.deepEqual(asked, ['ns/builder']);
  const plain: RPod = { ...pod, spec: {} };
  await podPullSecrets(plain, configs, sa);
  assert.deepEqual(asked, ['ns/builder', 'ns/default']);
  assert.deepEqual(await podPullSecrets(plain, configs), []);
});
