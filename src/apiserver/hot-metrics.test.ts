import { test } from 'node:test';
import assert from 'node:assert/strict';
import client from 'prom-client';
import { HotCounter, HotHistogram } from './hot-metrics.ts';

test('a hot histogram renders the same text as a prom-client histogram fed the same values', async () => {
  const hot = new client.Registry();
  const ref = new client.Registry();
  const o = { name: 'x_seconds', help: 'X.', labelNames: ['verb'], buckets: [0.01, 0.1, 1] };
  const h = new HotHistogram(o, hot);
  const r = new client.Histogram({ ...o, registers: [ref] });
  for (const [verb, v] of [
    ['get', 0.005],
    ['get', 0.01],
    ['get', 0.5],
    ['get', 7],
    ['list', 0.05],
  ] as const) {
    h.labels(verb).observe(v);
    r.labels(verb).observe(v);
  }
  assert.equal(await hot.metrics(), await ref.metrics());
  h.reset();
  r.reset();
  h.labels('get').observe(0.02);
  r.labels('get').observe(0.02);
  assert.equal(await hot.metrics(), await ref.metrics());
});

test('a hot counter renders the same text as a prom-client counter', async () => {
  const hot = new client.Registry();
  const ref = new client.Registry();
  const c = new HotCounter('y_total', 'Y.', ['verb', 'code'], hot);
  const r = new client.Counter({
    name: 'y_total',
    help: 'Y.',
    labelNames: ['verb', 'code'],
    registers: [ref],
  });
  c.labels('get', '200').inc();
  c.labels('get', '200').inc(2);
  c.labels('get', '404').inc();
  r.labels('get', '200').inc();
  r.labels('get', '200').inc(2);
  r.labels('get', '404').inc();
  assert.equal(await hot.metrics(), await ref.metrics());
});
