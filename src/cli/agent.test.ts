import { test } from 'node:test';
import assert from 'node:assert/strict';
import { credentialsFrom, nodeNameFrom, runtimeFor, type AgentFlags } from './agent.ts';
import { CliError } from './server.ts';

const pin = `sha256:${'ab'.repeat(32)}`;
const flags = (f: Partial<AgentFlags>): AgentFlags => ({ runtime: 'none', ...f });

test('nodeNameFrom: the flag, else the host name in lower case; must be a DNS subdomain', () => {
  assert.equal(nodeNameFrom(undefined, 'Worker-1.Example'), 'worker-1.example');
  assert.equal(nodeNameFrom('n1', 'ignored'), 'n1');
  assert.throws(() => nodeNameFrom('bad_name'), CliError);
});

test('credentialsFrom: exactly one way of joining, checked before anything happens', async () => {
  assert.deepEqual(
    await credentialsFrom(
      flags({ server: 'https://10.0.0.1:6443/', token: 'abcdef.0123456789abcdef', caCertHash: pin }),
    ),
    { kind: 'token', server: 'https://10.0.0.1:6443', token: 'abcdef.0123456789abcdef', caCertHash: pin },
  );
  const bad: [Partial<AgentFlags>, RegExp][] = [
    [{}, /--kubeconfig FILE, or all of/],
    [
      { server: 'https://h:6443', token: 'abcdef.0123456789abcdef' },
      /all of --server, --token and --ca-cert-hash/,
    ],
    [{ kubeconfig: '/x', token: 't' }, /not both/],
    [
      { server: 'https://h:6443', token: 'abcdef.0123456789abcdef', caCertHash: 'sha256:zz' },
      /--ca-cert-hash must be/,
    ],
    [{ server: 'https://h:6443', token: 'nope', caCertHash: pin }, /--token must look like/],
    [{ server: 'http://h:6443', token: 'abcdef.0123456789abcdef', caCertHash: pin }, /https:\/\//],
    [{ kubeconfig: '/does/not/exist' }, /cannot read --kubeconfig/],
  ];
  for (const [f, re] of bad)
    await assert.rejects(
      credentialsFrom(flags(f)),
      (e: unknown) => e instanceof CliError && re.test(e.message),
    );
});

test('runtimeFor: none reports unknown and is ready; others are explained', async () => {
  const none = await runtimeFor('none');
  assert.equal(await none.version(), 'unknown');
  assert.deepEqual(await none.status(), { ready: true });
  await assert.rejects(runtimeFor('docker'), /--runtime must be/);
});
