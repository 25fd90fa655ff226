/**
 * The etcd store over TLS against a real etcd that requires client certificates (--client-cert-auth):
 * the Store conformance suite with the right CA and client pair, and each misconfiguration failing
 * with Unavailable and a message that says what is wrong (no client certificate, a CA that did not
 * sign etcd's certificate, plaintext to a TLS port, TLS to a plaintext port). Skipped only when the
 * etcd binary is missing (.ci/run installs it).
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runStoreConformance } from './conformance.ts';
import { rejectsWith } from './conformance-helpers.ts';
import { openEtcdStore } from './etcd.ts';
import type { EtcdStore } from './etcd.ts';
import type { EtcdTlsOptions } from './etcd-client.ts';
import { EtcdClient } from './etcd-client.ts';
import { etcdBinary, startEtcd } from '../../test/helpers/etcd.ts';
import type { EtcdCluster } from '../../test/helpers/etcd.ts';
import { makeEtcdTlsFiles } from '../../test/helpers/etcd-tls.ts';

if (etcdBinary() === undefined) {
  test(
    'etcd store over TLS',
    { skip: 'etcd binary not found on PATH (apt-get install etcd-server)' },
    () => {},
  );
} else {
  defineTlsTests();
}

function defineTlsTests(): void {
  let etcd: EtcdCluster;
  let tls: EtcdTlsOptions;
  let stores = 0;
  before(async () => {
    etcd = await startEtcd({ tls: true });
    const f = etcd.tls!;
    tls = {
      ca: readFileSync(f.caFile),
      cert: readFileSync(f.clientCertFile),
      key: readFileSync(f.clientKeyFile),
    };
  });
  after(() => etcd?.stop());
  const open = (): Promise<EtcdStore> =>
    openEtcdStore({ endpoints: etcd.endpoints, tls, prefix: `/berth-tls-test/${process.pid}/${++stores}` });

  runStoreConformance('etcd over TLS with a client certificate', open);

  describe('etcd over TLS: misconfigurations', () => {
    let otherDir: string;
    let otherCa: Buffer;
    before(() => {
      otherDir = mkdtempSync(join(tmpdir(), 'berth-etcd-other-ca-'));
      otherCa = readFileSync(makeEtcdTlsFiles(otherDir, 'other').caFile);
    });
    after(() => rmSync(otherDir, { recursive: true, force: true }));

    const cases: Array<{ name: string; opts: () => Parameters<typeof openEtcdStore>[0]; want: RegExp }> = [
      {
        name: 'no client certificate: etcd refuses the handshake',
        opts: () => ({ endpoints: etcd.endpoints, tls: { ca: tls.ca } }),
        want: /alert bad certificate/,
      },
      {
        name: "a CA that did not sign etcd's certificate",
        opts: () => ({ endpoints: etcd.endpoints, tls: { ...tls, ca: otherCa } }),
        want: /unable to verify the first certificate/,
      },
      {
        name: 'plaintext gRPC to the TLS port',
        opts: () => ({ endpoints: etcd.endpoints.map((e) => e.replace(/^https:/, 'http:')) }),
        want: /the endpoint speaks TLS, not plaintext gRPC/,
      },
    ];
    for (const c of cases) {
      test(c.name, async () => {
        const err = await rejectsWith(openEtcdStore({ ...c.opts(), requestTimeoutMs: 2000 }), 'Unavailable');
        assert.match(err.message, c.want);
        assert.match(err.message, /^no etcd endpoint answered: https?:\/\/127\.0\.0\.1:\d+: /);
        assert.doesNotMatch(err.message, /\n/, 'one line');
      });
    }

    test('TLS to a plaintext etcd fails in the handshake', async () => {
      const plain = await startEtcd();
      try {
        const endpoints = plain.endpoints.map((e) => e.replace(/^http:/, 'https:'));
        const err = await rejectsWith(
          openEtcdStore({ endpoints, tls, requestTimeoutMs: 2000 }),
          'Unavailable',
        );
        // etcd's listener ends a connection whose first bytes are neither HTTP nor gRPC, with a FIN
        // or a reset depending on timing; the plaintext probe names the mistake either way.
        assert.match(err.message, /disconnected before secure TLS connection was established|ECONNRESET/);
        assert.match(err.message, /: the endpoint speaks plaintext, not TLS$/);
        assert.doesNotMatch(err.message, /speaks TLS/);
        assert.doesNotMatch(err.message, /\n/, 'one line');
      } finally {
        await plain.stop();
      }
    });

    test('TLS options with a plaintext endpoint are refused, never a silent downgrade', () => {
      assert.throws(
        () => new EtcdClient({ endpoints: ['http://127.0.0.1:2379'], tls }),
        /TLS options given, but the endpoint is not https/,
      );
      assert.throws(
        () => new EtcdClient({ endpoints: ['127.0.0.1:2379'], tls: { ca: tls.ca, cert: tls.cert } }),
        /needs both cert and key/,
      );
    });

    test('a bare HOST:PORT means https when TLS options are given', async () => {
      const s = await openEtcdStore({
        endpoints: etcd.endpoints.map((e) => e.replace(/^https:\/\//, '')),
        tls,
        prefix: `/berth-tls-test/${process.pid}/bare`,
      });
      try {
        assert.ok((await s.create('/k', 'v')).modRevision > 0);
      } finally {
        await s.close();
      }
    });
  });
}
