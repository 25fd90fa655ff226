import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { http, request, ServerResponse } from './node-http.ts';

test('node-http hands out the node:http module itself', async () => {
  const real = await import('node:http');
  assert.equal(http.request, real.request);
  assert.equal(request, real.request);
  assert.equal(ServerResponse, real.ServerResponse);
});

const root = fileURLToPath(new URL('../..', import.meta.url));

// An ES import of 'node:http' anywhere in these graphs would load Node's bundled undici (~10 MB).
for (const entry of ['../cli/server.ts', '../cli/agent.ts']) {
  test(`loading ${entry} does not load undici`, () => {
    const url = new URL(entry, import.meta.url).href;
    const out = execFileSync(
      process.execPath,
      [
        '--no-warnings',
        '--input-type=module',
        '-e',
        `await import(${JSON.stringify(url)});
         process.stdout.write(JSON.stringify(process.moduleLoadList.filter((m) => m.includes('undici'))));`,
      ],
      {
        cwd: root,
        encoding: 'utf8',
        env: { ...process.env, NODE_COMPILE_CACHE: join(root, 'node_modules', '.cache', 'berth-compile') },
      },
    );
    assert.deepEqual(JSON.parse(out), []);
  });
}
