import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, get } from 'node:http';
import type { AddressInfo } from 'node:net';
import { writeJoined } from './respond.ts';

/** Serves one writeJoined answer and returns what a client received. */
async function served(
  head: string,
  items: string[],
  tail: string,
): Promise<{ length: string | undefined; body: string }> {
  const server = createServer((_req, res) => writeJoined(res, 200, head, items, tail));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  try {
    const port = (server.address() as AddressInfo).port;
    return await new Promise((resolve, reject) => {
      get({ host: '127.0.0.1', port, path: '/' }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({ length: res.headers['content-length'], body: Buffer.concat(chunks).toString('utf8') }),
        );
        res.on('error', reject);
      }).on('error', reject);
    });
  } finally {
    server.close();
  }
}

test('writeJoined sends head, items joined by commas and tail, with the byte length', async () => {
  // Multi-byte characters: the length is in bytes, not characters.
  const items = ['{"a":"é"}', '{"b":"→"}', '{"c":1}'];
  const r = await served('{"items":[', items, ']}');
  assert.equal(r.body, '{"items":[' + items.join(',') + ']}');
  assert.deepEqual(JSON.parse(r.body), { items: [{ a: 'é' }, { b: '→' }, { c: 1 }] });
  assert.equal(Number(r.length), Buffer.byteLength(r.body));
});

test('writeJoined: no items, and a list spanning many write batches', async () => {
  const empty = await served('{"items":[', [], ']}');
  assert.equal(empty.body, '{"items":[]}');
  assert.equal(Number(empty.length), 12);
  const many = Array.from({ length: 5000 }, (_, i) => JSON.stringify({ i, pad: 'x'.repeat(200), s: 'ü' }));
  const r = await served('{"items":[', many, ']}');
  assert.equal(r.body, '{"items":[' + many.join(',') + ']}');
  assert.equal(Number(r.length), Buffer.byteLength(r.body));
});
