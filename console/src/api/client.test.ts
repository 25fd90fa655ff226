import { afterEach, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  clusterApi,
  fetchRetrying,
  networkRetryDelaysMs,
  requestJson,
  requestKeyHeader,
  retryable,
} from './client.ts';

const realFetch = globalThis.fetch;
afterEach(() => {
  globalThis.fetch = realFetch;
});

/** A fetch that fails at the network `failures` times, then answers 200 with `{}`; counts calls. */
function flakyFetch(failures: number): { calls: () => number } {
  let calls = 0;
  globalThis.fetch = (async () => {
    calls++;
    if (calls <= failures) throw new TypeError('Failed to fetch');
    return new Response('{}', { status: 200 });
  }) as typeof fetch;
  return { calls: () => calls };
}

test('retryable: reads, deletes and merge patches may be resent; creates and JSON patches not', () => {
  assert.equal(retryable('GET'), true);
  assert.equal(retryable('DELETE'), true);
  assert.equal(retryable('PATCH', 'application/merge-patch+json'), true);
  assert.equal(retryable('PATCH', 'application/json-patch+json'), false);
  assert.equal(retryable('POST', 'application/json'), false);
  assert.equal(retryable('PUT', 'application/json'), false);
});

test('a merge patch the network dropped is sent again and succeeds', async () => {
  const f = flakyFetch(1);
  await clusterApi('local').mergePatch('/apis/batch/v1/namespaces/a/cronjobs/t', { spec: { suspend: true } });
  assert.equal(f.calls(), 2);
});

test('a create the network dropped is sent again under the same request key', async () => {
  const keys: (string | null)[] = [];
  globalThis.fetch = (async (_url: string, init: RequestInit) => {
    keys.push(new Headers(init.headers).get(requestKeyHeader));
    if (keys.length === 1) throw new TypeError('Failed to fetch');
    return new Response('{}', { status: 201 });
  }) as typeof fetch;
  await clusterApi('local').create('/api/v1/namespaces', { metadata: { name: 'x' } });
  await clusterApi('local').create('/api/v1/namespaces', { metadata: { name: 'y' } });
  assert.equal(keys.length, 3);
  assert.match(keys[0] ?? '', /^[0-9a-f-]{36}$/);
  assert.equal(keys[1], keys[0], 'the resend carries the first key');
  assert.notEqual(keys[2], keys[0], 'each create has its own key');
});

test('updates and JSON/strategic patches through the cluster proxy carry a key and are resent; merge patches and console calls carry none', async () => {
  const sent: { method: string; key: string | null }[] = [];
  globalThis.fetch = (async (_url: string, init: RequestInit) => {
    sent.push({ method: init.method ?? 'GET', key: new Headers(init.headers).get(requestKeyHeader) });
    if (sent.length % 2 === 1) throw new TypeError('Failed to fetch');
    return new Response('{}', { status: 200 });
  }) as typeof fetch;
  const path = '/apis/apps/v1/namespaces/a/deployments/web';
  const url = `/api/clusters/local/k8s${path}`;
  await requestJson(url, { method: 'PUT', body: { metadata: { resourceVersion: '7' } } });
  await clusterApi('local').patch(path, [{ op: 'add', path: '/x', value: 1 }], 'application/json-patch+json');
  await clusterApi('local').patch(path, { spec: {} }, 'application/strategic-merge-patch+json');
  assert.equal(sent.length, 6, 'each was resent once');
  for (let i = 0; i < 6; i += 2) {
    assert.match(sent[i]?.key ?? '', /^[0-9a-f-]{36}$/, `${sent[i]?.method} carries a key`);
    assert.equal(sent[i + 1]?.key, sent[i]?.key, 'the resend carries the same key');
  }
  sent.length = 0;
  globalThis.fetch = (async (_url: string, init: RequestInit) => {
    sent.push({ method: init.method ?? 'GET', key: new Headers(init.headers).get(requestKeyHeader) });
    return new Response('{}', { status: 200 });
  }) as typeof fetch;
  await clusterApi('local').mergePatch(path, { spec: {} });
  await requestJson('/api/logout', { method: 'POST' });
  assert.deepEqual(
    sent.map((s) => s.key),
    [null, null],
  );
});

test('retries stop after one resend per delay', async () => {
  const f = flakyFetch(10);
  await assert.rejects(fetchRetrying('/api/x', {}, true, [0, 0, 0]), TypeError);
  assert.equal(f.calls(), 4);
  assert.equal(networkRetryDelaysMs.length, 5);
});

test('an answer whose body the network cut is asked again (a login seen failing that way in CI)', async () => {
  let calls = 0;
  globalThis.fetch = (async () => {
    calls++;
    if (calls > 1) return new Response('{"user":"admin"}', { status: 200 });
    // 200 and headers arrived, then the body stream failed (chromium: ERR_NETWORK_CHANGED).
    const body = new ReadableStream<Uint8Array>({
      start(c) {
        c.error(new TypeError('network error'));
      },
    });
    return new Response(body, { status: 200 });
  }) as typeof fetch;
  const info = await requestJson<{ user: string }>('/api/login', { method: 'POST', body: {}, resend: true });
  assert.equal(info.user, 'admin');
  assert.equal(calls, 2);
});

test('an HTTP error is an answer, never resent', async () => {
  let calls = 0;
  globalThis.fetch = (async () => {
    calls++;
    return new Response('{"kind":"Status","code":409,"reason":"Conflict","message":"no"}', { status: 409 });
  }) as typeof fetch;
  await assert.rejects(clusterApi('local').remove('/api/v1/namespaces/x'), /no/);
  assert.equal(calls, 1);
});
