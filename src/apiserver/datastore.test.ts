/**
 * `--datastore` with the --etcd-* files: what each combination opens, and the one-line refusals
 * (TLS files never go unused with a plaintext or SQLite datastore).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseDatastore } from './datastore.ts';
import type { DatastoreSpec, EtcdTlsFiles } from './datastore.ts';

const ca = { caFile: '/etc/etcd/ca.crt' };
const pair = { certFile: '/etc/etcd/client.crt', keyFile: '/etc/etcd/client.key' };

const accepted: Array<[string, string | undefined, EtcdTlsFiles, DatastoreSpec]> = [
  ['default is sqlite', undefined, {}, { kind: 'sqlite' }],
  ['sqlite', 'sqlite', {}, { kind: 'sqlite' }],
  [
    'etcd:// is plaintext',
    'etcd://10.0.0.1:2379, 10.0.0.2:2379',
    {},
    { kind: 'etcd', endpoints: ['http://10.0.0.1:2379', 'http://10.0.0.2:2379'], tls: undefined },
  ],
  [
    'etcds:// with CA and client pair',
    'etcds://etcd-0.example:2379,[::1]:2379',
    { ...ca, ...pair },
    {
      kind: 'etcd',
      endpoints: ['https://etcd-0.example:2379', 'https://[::1]:2379'],
      tls: { ...ca, ...pair },
    },
  ],
  [
    'etcds:// alone verifies against the system roots',
    'etcds://127.0.0.1:2379',
    {},
    { kind: 'etcd', endpoints: ['https://127.0.0.1:2379'], tls: {} },
  ],
  [
    'etcds:// with a client pair and no CA',
    'etcds://127.0.0.1:2379',
    pair,
    { kind: 'etcd', endpoints: ['https://127.0.0.1:2379'], tls: pair },
  ],
];
for (const [name, spec, files, want] of accepted) {
  test(`parseDatastore: ${name}`, () => assert.deepEqual(parseDatastore(spec, files), want));
}

const refused: Array<[string, string | undefined, EtcdTlsFiles, RegExp]> = [
  ['TLS files with sqlite', 'sqlite', ca, /^--etcd-cafile: only for --datastore etcds:\/\/… .*not sqlite$/],
  ['TLS files with the default', undefined, pair, /^--etcd-certfile, --etcd-keyfile: only for/],
  [
    'TLS files with etcd://',
    'etcd://127.0.0.1:2379',
    ca,
    /^--etcd-cafile: --datastore etcd:\/\/… is plaintext; use etcds:\/\//,
  ],
  ['a certificate without its key', 'etcds://127.0.0.1:2379', { certFile: 'c' }, /go together/],
  ['a key without its certificate', 'etcds://127.0.0.1:2379', { keyFile: 'k' }, /go together/],
  ['an unknown scheme', 'https://127.0.0.1:2379', {}, /expected sqlite, etcd:\/\/.* or etcds:\/\//],
  ['no endpoint', 'etcds://', {}, /name at least one etcd endpoint/],
  ['not HOST:PORT', 'etcds://127.0.0.1', {}, /"127\.0\.0\.1" is not HOST:PORT/],
];
for (const [name, spec, files, want] of refused) {
  test(`parseDatastore refuses ${name}`, () => {
    assert.throws(
      () => parseDatastore(spec, files),
      (err: Error) => {
        assert.match(err.message, want);
        assert.doesNotMatch(err.message, /\n/);
        return true;
      },
    );
  });
}
