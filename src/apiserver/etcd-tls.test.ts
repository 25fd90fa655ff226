/**
 * The --etcd-* files read at start (with files openssl made, as an operator would) and the hints
 * that name the flag to fix when etcd refuses a connection.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { etcdConnectHint, loadEtcdTls } from './etcd-tls.ts';
import { makeEtcdTlsFiles, type EtcdTlsFiles as PemFiles } from '../../test/helpers/etcd-tls.ts';

describe('loadEtcdTls', () => {
  let dir: string;
  let a: PemFiles;
  let b: PemFiles;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'berth-etcd-tls-'));
    a = makeEtcdTlsFiles(dir, 'a');
    b = makeEtcdTlsFiles(dir, 'b');
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  test('reads the CA and the client pair', async () => {
    const tls = await loadEtcdTls({ caFile: a.caFile, certFile: a.clientCertFile, keyFile: a.clientKeyFile });
    assert.deepEqual(tls, {
      ca: readFileSync(a.caFile),
      cert: readFileSync(a.clientCertFile),
      key: readFileSync(a.clientKeyFile),
    });
    assert.deepEqual(await loadEtcdTls({}), { ca: undefined, cert: undefined, key: undefined });
  });

  const refused: Array<[string, () => Parameters<typeof loadEtcdTls>[0], () => string]> = [
    [
      'a missing file, naming it',
      () => ({ caFile: join(dir, 'nope.crt') }),
      () => `cannot read --etcd-cafile ${join(dir, 'nope.crt')}: no such file or directory`,
    ],
    [
      'a directory',
      () => ({ certFile: dir, keyFile: a.clientKeyFile }),
      () => `cannot read --etcd-certfile ${dir}: illegal operation on a directory`,
    ],
    [
      'a key given as the CA',
      () => ({ caFile: a.clientKeyFile }),
      () => `--etcd-cafile ${a.clientKeyFile}: not a PEM certificate`,
    ],
    [
      'a certificate given as the key',
      () => ({ certFile: a.clientCertFile, keyFile: a.clientCertFile }),
      () => `--etcd-keyfile ${a.clientCertFile}: not an unencrypted PEM private key`,
    ],
    [
      'a key that is not the certificate’s',
      () => ({ certFile: a.clientCertFile, keyFile: b.clientKeyFile }),
      () => `--etcd-keyfile ${b.clientKeyFile} is not the key of --etcd-certfile ${a.clientCertFile}`,
    ],
  ];
  for (const [name, files, want] of refused) {
    test(`refuses ${name}`, async () => {
      await assert.rejects(loadEtcdTls(files()), (err: Error) => {
        assert.equal(err.message, want());
        return true;
      });
    });
  }
});

describe('etcdConnectHint', () => {
  const failed = (why: string) =>
    `no etcd endpoint answered: https://127.0.0.1:2379: No connection established. Last error: ${why}`;
  const cases: Array<[string, string, Parameters<typeof etcdConnectHint>[1], RegExp | '']> = [
    [
      'no client certificate',
      failed('ssl/tls alert bad certificate: SSL alert number 42'),
      { caFile: 'ca.crt' },
      /give --etcd-certfile and --etcd-keyfile/,
    ],
    [
      'a client certificate etcd does not trust',
      failed('ssl/tls alert bad certificate: SSL alert number 42'),
      { certFile: 'c.crt', keyFile: 'c.key' },
      /refused the client certificate in --etcd-certfile c\.crt/,
    ],
    [
      'the wrong CA',
      failed('unable to verify the first certificate'),
      { caFile: 'ca.crt' },
      /not signed by the CA in --etcd-cafile ca\.crt/,
    ],
    [
      'no CA, a private one in use',
      failed('self-signed certificate in certificate chain'),
      {},
      /give its CA with --etcd-cafile/,
    ],
    [
      'plaintext to TLS',
      failed('Failed to connect: the endpoint speaks TLS, not plaintext gRPC'),
      undefined,
      /use --datastore etcds:\/\//,
    ],
    [
      'TLS to plaintext',
      failed('Client network socket disconnected before secure TLS connection was established'),
      {},
      /use --datastore etcd:\/\//,
    ],
    ['a dead endpoint', failed('connect ECONNREFUSED 127.0.0.1:2379'), {}, ''],
    ['a TLS-looking failure on plaintext', failed('unable to verify the first certificate'), undefined, ''],
  ];
  for (const [name, message, tls, want] of cases) {
    test(name, () => {
      const hint = etcdConnectHint(message, tls);
      if (want === '') assert.equal(hint, '');
      else assert.match(hint, want);
    });
  }
});
