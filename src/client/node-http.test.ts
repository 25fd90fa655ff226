import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runImportProbe } from '../../test/helpers/import-probe.ts';
import { http, request, ServerResponse } from './node-http.ts';

test('node-http hands out the node:http module itself', async () => {
  const real = await import('node:http');
  assert.equal(http.request, real.request);
  assert.equal(request, real.request);
  assert.equal(ServerResponse, real.ServerResponse);
});

// An ES import of 'node:http' anywhere in these graphs would load Node's bundled undici (~10 MB).
for (const entry of ['../cli/server.ts', '../cli/agent.ts']) {
  test(`loading ${entry} does not load undici`, () => {
    const url = new URL(entry, import.meta.url).href;
    const out = runImportProbe(
      `await import(${JSON.stringify(url)});
       process.stdout.write(JSON.stringify(process.moduleLoadList.filter((m) => m.includes('undici'))));`,
    );
    assert.deepEqual(JSON.parse(out), []);
  });
}
