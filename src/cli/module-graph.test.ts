import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runImportProbe } from '../../test/helpers/import-probe.ts';

/**
 * Libraries a long-running server or agent needs only now and then, kept out of their start-up
 * module graphs (docs/memory.md): @peculiar/x509 and its ASN.1 stack run in a child process
 * (src/apiserver/pki/x509-process.ts), jose loads with the first service-account token.
 */
const kept = /\/node_modules\/(@peculiar\/|asn1js\/|tsyringe\/|jose\/)/;

for (const entry of ['./server.ts', './agent.ts']) {
  test(`loading ${entry} loads neither @peculiar/x509 nor jose`, () => {
    const url = new URL(entry, import.meta.url).href;
    const out = runImportProbe(
      `import { registerHooks } from 'node:module';
       const urls = [];
       registerHooks({ resolve(s, c, next) { const r = next(s, c); urls.push(r.url); return r; } });
       await import(${JSON.stringify(url)});
       process.stdout.write(JSON.stringify({ all: urls.length, kept: urls.filter((u) => ${kept}.test(u)) }));`,
    );
    const { all, kept: found } = JSON.parse(out) as { all: number; kept: string[] };
    assert.ok(all > 100, `only ${all} modules resolved: the hook saw nothing`);
    assert.deepEqual(found, []);
  });
}
