/**
 * `berth server --datastore etcds://…` end to end against a real etcd that serves clients over TLS
 * only and requires a client certificate (--client-cert-auth), as a production etcd holding Secrets
 * runs: with the CA and client pair the server serves kubectl, and the Secret it writes lands in that
 * etcd; without a client certificate, with a CA that did not sign etcd's certificate, or over
 * plaintext `etcd://`, the server does not start and says why in one line.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { berthBin, freePort, repoRoot, startServer } from '../helpers/server.ts';
import { etcdBinary, startEtcd, type EtcdCluster } from '../helpers/etcd.ts';
import { makeEtcdTlsFiles } from '../helpers/etcd-tls.ts';
import { kubectlSession } from '../helpers/kubectl.ts';
import { e2eSkip } from '../helpers/e2e.ts';
import { openEtcdStore } from '../../src/store/etcd.ts';

/** Runs `berth server` expected to fail at start: its exit code and what it printed. */
async function failedStart(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const dataDir = mkdtempSync(join(tmpdir(), 'berth-etcds-fail-'));
  try {
    const child = spawn(
      berthBin,
      ['server', '--data-dir', dataDir, '--listen', `127.0.0.1:${await freePort()}`, ...args],
      { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    // A server that started after all is stopped, so the test fails on its output instead of hanging.
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    clearTimeout(timer);
    return { code, stdout, stderr };
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
}

describe(
  'etcd datastore over TLS with a client certificate',
  { skip: e2eSkip() || (etcdBinary() ? false : 'etcd is not installed (apt-get install etcd-server)') },
  () => {
    let etcd: EtcdCluster;
    let otherDir: string;
    let otherCa: string;
    let hostPort: string;
    before(async () => {
      etcd = await startEtcd({ tls: true });
      hostPort = new URL(etcd.endpoints[0]).host;
      otherDir = mkdtempSync(join(tmpdir(), 'berth-etcds-other-'));
      otherCa = makeEtcdTlsFiles(otherDir, 'other').caFile;
    });
    after(async () => {
      await etcd?.stop();
      rmSync(otherDir, { recursive: true, force: true });
    });

    test('etcds:// with the CA and client pair serves kubectl; the Secret is in etcd', async (t) => {
      const f = etcd.tls!;
      const server = await startServer({
        args: [
          '--datastore',
          `etcds://${hostPort}`,
          '--etcd-cafile',
          f.caFile,
          '--etcd-certfile',
          f.clientCertFile,
          '--etcd-keyfile',
          f.clientKeyFile,
        ],
        readyTimeoutMs: 60_000,
      });
      try {
        const k = kubectlSession(t, server.kubeconfig);
        await k.ok(['create', 'secret', 'generic', 'etcd-tls-demo', '--from-literal=password=s3cr3t']);
        const got = await k.ok(['get', 'secret', 'etcd-tls-demo', '-o', 'jsonpath={.data.password}']);
        assert.equal(Buffer.from(got, 'base64').toString(), 's3cr3t');

        const raw = await openEtcdStore({
          endpoints: etcd.endpoints,
          tls: {
            ca: readFileSync(f.caFile),
            cert: readFileSync(f.clientCertFile),
            key: readFileSync(f.clientKeyFile),
          },
        });
        try {
          const keys = (await raw.list('/')).kvs.map((kv) => kv.key);
          assert.ok(
            keys.some((key) => /secrets\/default\/etcd-tls-demo$/.test(key)),
            `no Secret key among ${keys.length} keys in etcd`,
          );
        } finally {
          await raw.close();
        }
      } catch (err) {
        process.stderr.write(`\n--- berth server log ---\n${server.logs()}\n--- end ---\n`);
        throw err;
      } finally {
        await server.stop();
      }
    });

    test('refused configurations fail to start with one line saying why', async () => {
      const f = etcd.tls!;
      const cases = [
        {
          name: 'no client certificate',
          args: ['--datastore', `etcds://${hostPort}`, '--etcd-cafile', f.caFile],
          want: /^berth: cannot open the etcd datastore: .*alert bad certificate.*give --etcd-certfile and --etcd-keyfile\)$/,
        },
        {
          name: "a CA that did not sign etcd's certificate",
          args: [
            '--datastore',
            `etcds://${hostPort}`,
            '--etcd-cafile',
            otherCa,
            '--etcd-certfile',
            f.clientCertFile,
            '--etcd-keyfile',
            f.clientKeyFile,
          ],
          want: /^berth: cannot open the etcd datastore: .*unable to verify the first certificate \(etcd's certificate is not signed by the CA in --etcd-cafile .*\)$/,
        },
        {
          name: 'plaintext etcd:// to the TLS port',
          args: ['--datastore', `etcd://${hostPort}`],
          want: /^berth: cannot open the etcd datastore: .*the endpoint speaks TLS, not plaintext gRPC \(use --datastore etcds:\/\/…/,
        },
      ];
      // In parallel: each is a whole `berth server` start on its own data directory. (Flag mistakes
      // that need no etcd are covered by src/apiserver/datastore.test.ts and etcd-tls.test.ts.)
      const results = await Promise.all(cases.map((c) => failedStart(c.args)));
      cases.forEach((c, i) => {
        const r = results[i];
        assert.notEqual(r.code, 0, `${c.name}: exit code ${r.code}\n${r.stdout}${r.stderr}`);
        assert.doesNotMatch(r.stdout, /API listening/, c.name);
        const lines = r.stderr.trimEnd().split('\n');
        assert.equal(lines.length, 1, `${c.name}: one line on stderr, got:\n${r.stderr}`);
        assert.match(lines[0], c.want, c.name);
      });
    });
  },
);
